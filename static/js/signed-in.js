/* Nianbao: the page the login opened from an expired section page lands on. It tells that page
 * (through a storage event, same origin) that the person is signed in again, so it saves what
 * was typed. No inline script (CSP). */
(function () {
  "use strict";
  try { window.localStorage.setItem("nianbao:signed-in", String(Date.now())); } catch (e) { /* private mode */ }
})();
