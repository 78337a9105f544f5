using Microsoft.AspNetCore.Http.Metadata;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// A body without Content-Type on an endpoint that names the media types it accepts is a 415 problem that
/// names them. FastEndpoints would answer it first with a bare 415 and no body; routing already answers a
/// Content-Type it does not accept with a 415 that the status-code pages turn into the same problem.
/// </summary>
internal static class ContentTypeRequired
{
    public static WebApplication UseContentTypeRequired(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Headers.ContainsKey("Content-Type")
                && context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts
                && !accepts.ContentTypes.Contains("*/*"))
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status415UnsupportedMediaType,
                        Title = "Unsupported media type",
                        Detail = "The request has no Content-Type: send the body as " + string.Join(", ", accepts.ContentTypes) + ".",
                        Extensions = { ["accepted"] = accepts.ContentTypes.ToArray() },
                    },
                });
                return;
            }

            await next(context);
        });
        return app;
    }
}
