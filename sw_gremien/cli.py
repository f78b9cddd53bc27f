"""The ``sw-gremien`` command: migrate the database, seed demo data, housekeeping.

    sw-gremien [-c development.ini] migrate
    sw-gremien [-c development.ini] seed-demo
    sw-gremien [-c production.ini] seed-structure
    sw-gremien [-c production.ini] create-admin EMAIL "NAME"
    sw-gremien [-c production.ini] purge
    sw-gremien [-c production.ini] purge-applications [--years N]
    sw-gremien [-c production.ini] remind-proofs
    sw-gremien benchmark workflow [--fires 1000] [--database URL]
    sw-gremien benchmark proposals [--sizes 100,10000] [--repeat 30] [--database URL]
    sw-gremien benchmark meetings [--sizes 5,40] [--repeat 20] [--database URL]
    sw-gremien benchmark fund [--sizes 10,1000] [--repeat 20] [--database URL]
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import transaction
from pyramid.paster import get_appsettings, setup_logging

from sw_gremien import migrate, settings_from_environment
from sw_gremien.db import database_url, get_engine, get_session_factory, get_tm_session


def _settings(config_uri: str) -> dict:
    if not Path(config_uri).exists():
        sys.exit(f"sw-gremien: configuration file {config_uri!r} not found")
    setup_logging(config_uri)
    return settings_from_environment(get_appsettings(config_uri))


def _dbsession(settings):
    engine = get_engine(settings)
    return get_tm_session(get_session_factory(engine), transaction.manager), engine


def cmd_migrate(settings, args) -> int:
    url = database_url(settings)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(url)
    print("Datenbank ist auf dem neuesten Stand.")
    return 0


def cmd_seed_demo(settings, args) -> int:
    from sw_gremien.demo import DEMO_PASSWORD, seed_demo

    if settings.get("sw_gremien.allow_demo_data", "false").lower() != "true":
        print("Demo-Daten sind in dieser Konfiguration abgeschaltet (sw_gremien.allow_demo_data).",
              file=sys.stderr)
        return 2
    dbsession, _engine = _dbsession(settings)
    with transaction.manager:
        logins = seed_demo(dbsession)
    print(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
    width = max(len(login.email) for login in logins)
    for login in logins:
        print(f"  {login.email:<{width}}  {login.name} – {login.role}")
    return 0


def cmd_seed_structure(settings, args) -> int:
    from sw_gremien.demo import seed_structure

    dbsession, _engine = _dbsession(settings)
    with transaction.manager:
        bodies = seed_structure(dbsession)
    print(f"{len(bodies)} Gremien und die Vorlagenarten sind angelegt.")
    return 0


def cmd_create_admin(settings, args) -> int:
    from sw_gremien.accounts import services
    from sw_gremien.accounts.models import GlobalRole

    dbsession, _engine = _dbsession(settings)
    password = getpass.getpass("Passwort: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < services.MIN_PASSWORD_LENGTH:
        print(f"Das Passwort braucht mindestens {services.MIN_PASSWORD_LENGTH} Zeichen.", file=sys.stderr)
        return 2
    with transaction.manager:
        if services.email_taken(dbsession, args.email):
            print("Es gibt schon ein Konto mit dieser E-Mail-Adresse.", file=sys.stderr)
            return 2
        user = services.create_user(dbsession, email=args.email, display_name=args.name,
                                    global_role=GlobalRole.ADMIN)
        user.password_hash = services.hash_password(password)
    print(f"Administrator {args.email} angelegt.")
    return 0


def cmd_purge(settings, args) -> int:
    """Delete expired sessions and old login attempts (run it daily from cron)."""
    from sw_gremien.accounts.services import RateLimit, purge_old_login_attempts
    from sw_gremien.sessions import purge_expired, session_config_from_settings

    dbsession, _engine = _dbsession(settings)
    with transaction.manager:
        sessions = purge_expired(dbsession, session_config_from_settings(settings))
        attempts = purge_old_login_attempts(dbsession, RateLimit.from_settings(settings))
    print(f"{sessions} abgelaufene Sitzungen und {attempts} alte Anmeldeversuche gelöscht.")
    return 0


def cmd_purge_applications(settings, args) -> int:
    """Remove personal and bank data of fund applications closed longer ago than the keeping
    period (``--years``, else ``sw_gremien.funding.keep_years``, default 5)."""
    from sw_gremien.documents.services import upload_dir
    from sw_gremien.funding.purge import keep_years, purge_applications

    years = args.years if args.years is not None else keep_years(settings)
    if years < 0:
        print("Die Aufbewahrungsfrist kann nicht negativ sein.", file=sys.stderr)
        return 2
    dbsession, _engine = _dbsession(settings)
    with transaction.manager:
        count = purge_applications(dbsession, older_than_years=years, upload_directory=upload_dir(settings),
                                   transaction_manager=transaction.manager)
    print(f"Personenbezogene Daten von {count} Förderanträgen gelöscht (älter als {years} Jahre).")
    return 0


def cmd_remind_proofs(settings, args) -> int:
    """Remind initiatives of the proof of use before and after its deadline (run it daily
    from cron); the mails go through the app's configured mailer after the commit."""
    from pyramid.paster import bootstrap

    from sw_gremien.funding.reminders import send_proof_reminders

    with bootstrap(args.config) as env:
        request = env["request"]
        with request.tm:
            run = send_proof_reminders(request)
    print(f"{run.before} Erinnerungen und {run.overdue} Mahnungen zum Verwendungsnachweis verschickt.")
    return 0


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are numbers separated by commas, e.g. 100,10000") from None
    if not sizes or any(size < 5 for size in sizes):
        # Below five, some of the showcase proposals that fill every desk section are missing.
        raise argparse.ArgumentTypeError("sizes are numbers of at least 5, e.g. 100,10000")
    return sizes


def cmd_benchmark(settings, args) -> int:
    if args.what == "fund":
        from sw_gremien.funding.benchmark import print_report as print_fund, run_fund_benchmark

        result = run_fund_benchmark(args.database, sizes=args.sizes or (10, 1000), repeat=args.repeat or 20,
                                    progress=lambda message: print(message, file=sys.stderr))
        return print_fund(result)
    if args.what == "meetings":
        from sw_gremien.meetings.benchmark import print_report as print_meetings, run_meetings_benchmark

        result = run_meetings_benchmark(args.database, sizes=args.sizes or (5, 40), repeat=args.repeat or 20,
                                        progress=lambda message: print(message, file=sys.stderr))
        return print_meetings(result)
    if args.what == "proposals":
        from sw_gremien.proposals.benchmark import print_report, run_proposals_benchmark

        result = run_proposals_benchmark(args.database, sizes=args.sizes or (100, 10000), repeat=args.repeat or 30,
                                         progress=lambda message: print(message, file=sys.stderr))
        return print_report(result)

    from sw_gremien.benchmark import print_results, run_workflow_benchmark

    results = run_workflow_benchmark(args.database, fires=args.fires)
    print_results(f"Workflow-Benchmark ({results['database']}, {args.fires} Übergänge)", results)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sw-gremien", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", default="development.ini", help="ini file (default: development.ini)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", help="create the demo bodies and people").set_defaults(func=cmd_seed_demo)
    sub.add_parser("seed-structure", help="create the six bodies and the proposal types (no people)"
                   ).set_defaults(func=cmd_seed_structure)
    admin = sub.add_parser("create-admin", help="create an office account (password from stdin)")
    admin.add_argument("email")
    admin.add_argument("name")
    admin.set_defaults(func=cmd_create_admin)
    sub.add_parser("purge", help="delete expired sessions and old login attempts").set_defaults(func=cmd_purge)
    purge_apps = sub.add_parser("purge-applications", help="remove personal and bank data of fund applications "
                                "closed longer ago than the keeping period")
    purge_apps.add_argument("--years", type=int, default=None,
                            help="keeping period in years (default: sw_gremien.funding.keep_years, else 5)")
    purge_apps.set_defaults(func=cmd_purge_applications)
    sub.add_parser("remind-proofs", help="remind initiatives of the proof of use before and after its deadline"
                   ).set_defaults(func=cmd_remind_proofs)
    bench = sub.add_parser("benchmark", help="measure and print timings")
    bench.add_argument("what", choices=["workflow", "proposals", "meetings", "fund"])
    bench.add_argument("--fires", type=int, default=1000, help="workflow: transitions to fire")
    bench.add_argument("--sizes", type=_sizes, default=None,
                       help="proposals: numbers of proposals, one fresh database each (default: 100,10000); "
                       "meetings: numbers of agenda items (default: 5,40); "
                       "fund: numbers of applications (default: 10,1000)")
    bench.add_argument("--repeat", type=int, default=None,
                       help="requests per page (default: 30 for proposals, 20 for meetings and fund)")
    bench.add_argument("--database", help="database URL (default: a temporary SQLite file); for proposals, "
                       "meetings and fund a PostgreSQL URL …/NAME gets a database NAME_<size> per size, "
                       "dropped afterwards")
    bench.set_defaults(func=cmd_benchmark)
    args = parser.parse_args(argv)
    return args.func(_settings(args.config), args)


if __name__ == "__main__":
    sys.exit(main())
