/* Nianbao, section entry form: an expired sign-in. The text is kept (in the page and the browser
 * draft), the person signs in again in another tab, and the page then checks the session, takes the
 * new CSRF token and saves; a different account signed in meanwhile is named and nothing is saved.
 * Installs page.signOut and page.checkSession on the page object made by entry.js (loaded last) and
 * listens for the sign-in being done. No inline script (CSP). */
(function () {
  "use strict";
  var parts = window.NianbaoEntryParts = window.NianbaoEntryParts || {};

  parts.session = function (page) {
    var form = page.form, sessionBox = page.sessionBox;

    function signOut(answer) {
      page.signedOut = true;
      page.writeDraft();
      if (answer && answer.login_url) document.getElementById("relogin-link").href = answer.login_url;
      var message = document.getElementById("session-expired-message");
      message.textContent = message.dataset.default;
      sessionBox.classList.remove("d-none");
      page.setStatus("登录已过期：内容已暂存在本机浏览器，尚未保存");
    }

    function checkSession() {
      return fetch(form.dataset.sessionUrl, { credentials: "same-origin", cache: "no-store",
                                              headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (!state.signed_in) {
            signOut(state);
            return;
          }
          if (String(state.user) !== form.dataset.user) {
            page.signedOut = true;
            document.getElementById("session-expired-message").textContent =
              "现在登录的是另一个账号（" + state.name + "），请退出后用原来的账号重新登录。";
            sessionBox.classList.remove("d-none");
            return;
          }
          page.csrfInput().value = state.csrf;  // signing in gave a new CSRF token
          page.signedOut = false;
          sessionBox.classList.add("d-none");
          page.dirty = true;
          return page.save();
        })
        .catch(function () { page.setStatus("网络异常，稍后自动重试；内容已暂存在本机浏览器"); });
    }

    document.getElementById("relogin-done").addEventListener("click", checkSession);
    window.addEventListener("storage", function (event) {  // the login tab says it is done
      if (event.key === "nianbao:signed-in" && page.signedOut) checkSession();
    });
    window.addEventListener("focus", function () { if (page.signedOut) checkSession(); });

    page.signOut = signOut;
    page.checkSession = checkSession;
  };
})();
