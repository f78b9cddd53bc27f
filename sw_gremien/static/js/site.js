// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submission, move the focus to the error summary so that screen readers
  // announce it and keyboard users start at the problem.
  var summary = document.querySelector("form .alert-danger[tabindex='-1']");
  if (summary) {
    summary.focus();
  }
});
