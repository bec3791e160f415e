// The groups page: the "Chọn" header's box chooses every row of the page, or none.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.querySelector("input.select-all");
  if (!all) return;
  var rows = document.querySelectorAll('input[type="checkbox"][name="communes"]');
  all.addEventListener("change", function () {
    rows.forEach(function (box) { box.checked = all.checked; });
  });
});
