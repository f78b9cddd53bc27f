// Drag and drop for the agenda builder. Without JavaScript (or with the keyboard) the
// "up" and "down" buttons order the items; this only adds dragging with a pointer.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("agenda-order");
  var lists = document.querySelectorAll("ol.agenda-builder[data-sortable='true']");
  if (!form || !lists.length) {
    return;
  }
  var dragged = null;

  function save() {
    var ids = [];
    document.querySelectorAll("ol.agenda-builder li[data-item-id]").forEach(function (item) {
      ids.push(item.getAttribute("data-item-id"));
    });
    form.elements.order.value = ids.join(",");
    var status = document.getElementById("agenda-dnd-status");
    if (status) {
      status.textContent = status.getAttribute("data-saving");
    }
    form.submit();
  }

  lists.forEach(function (list) {
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("li[data-item-id]");
      if (!dragged) {
        return;
      }
      dragged.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-item-id"));
    });
    list.addEventListener("dragover", function (event) {
      // Items stay in their part: only a drop within the same list is allowed.
      if (!dragged || dragged.parentNode !== list) {
        return;
      }
      event.preventDefault();
      var over = event.target.closest("li[data-item-id]");
      if (!over || over === dragged) {
        return;
      }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) {
      if (!dragged || dragged.parentNode !== list) {
        return;
      }
      event.preventDefault();
      dragged.classList.remove("dragging");
      dragged = null;
      save();
    });
    list.addEventListener("dragend", function () {
      if (dragged) {
        dragged.classList.remove("dragging");
        dragged = null;
      }
    });
  });
});
