namespace ReportService.Api.Infrastructure.Security;

/// <summary>
/// Headers every response carries (OWASP secure headers for APIs). The API serves JSON only, so its content
/// policy forbids everything; Swagger UI gets the policy it needs to render.
/// </summary>
internal static class SecurityHeaders
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";
    private const string SwaggerPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

    /// <remarks>Set as the response starts, so that error responses (whose headers the exception handler and the
    /// timeout middleware clear first) carry them too.</remarks>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-site";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger") ? SwaggerPolicy : ApiPolicy;
            return Task.CompletedTask;
        }, context);
        return next(context);
    });
}
