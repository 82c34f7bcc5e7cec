/* Tables wider than the screen scroll inside their wrapper (.table-responsive), never the page.
   A wrapper that scrolls and holds nothing focusable takes the keyboard focus itself, so that the arrow
   keys scroll it, and is named after its table (caption, else the heading above it). Re-checked when
   the window is resized and when htmx swaps content in. */
(function () {
  'use strict';
  var FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';

  function nameOf(wrapper) {
    var table = wrapper.querySelector('table');
    var caption = table && table.caption ? table.caption.textContent.trim() : '';
    if (caption) return caption;
    var owner = wrapper.closest('section, [aria-labelledby], main');
    var heading = owner && owner.querySelector('h1, h2, h3');
    return (heading ? heading.textContent.trim() + '·' : '') + '表格';
  }

  function update() {
    var used = {};
    document.querySelectorAll('.table-responsive').forEach(function (wrapper) {
      var made = wrapper.hasAttribute('data-scroll-focus');
      var scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
      if (scrolls && (made || !wrapper.querySelector(FOCUSABLE))) {
        var name = nameOf(wrapper);
        used[name] = (used[name] || 0) + 1;
        if (used[name] > 1) name += used[name];
        wrapper.setAttribute('tabindex', '0');
        wrapper.setAttribute('role', 'region');
        wrapper.setAttribute('aria-label', name);
        wrapper.setAttribute('data-scroll-focus', '');
      } else if (made && !scrolls) {
        ['tabindex', 'role', 'aria-label', 'data-scroll-focus'].forEach(function (a) { wrapper.removeAttribute(a); });
      }
    });
  }

  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(update, 100); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', update); else update();
  window.addEventListener('load', update);  // web fonts can change the widths
  window.addEventListener('resize', later);
  document.addEventListener('htmx:afterSettle', update);
})();
