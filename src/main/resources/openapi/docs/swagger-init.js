// Starts Swagger UI on the server's own document. A file, not an inline script: the CSP forbids those.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // "Try it out" in the same browser: the session cookie is sent along, like the UI's own calls.
    withCredentials: true
  });
});
