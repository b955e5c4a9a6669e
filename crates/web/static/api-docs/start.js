// Starts Swagger UI on this server's own document (no inline script: the
// Content-Security-Policy allows scripts from 'self' only).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Requests from "Try it out" send the session cookie; writes also need
    // the CSRF token (the X-CSRF-Token header), which the page does not know.
    withCredentials: true,
    validatorUrl: null,
  });
});
