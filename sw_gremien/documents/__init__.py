"""Documents: attachments stored outside the web root (later also PDFs and calendars)."""


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("sw_gremien.upload_dir", "var/uploads")
    settings.setdefault("sw_gremien.upload_max_bytes", str(10 * 1024 * 1024))
