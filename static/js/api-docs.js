// The API's documentation page (templates/api/docs.html): Swagger UI on the local schema.
// validatorUrl null: Swagger UI would otherwise load a badge from an outside validator.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false
  });
})();
