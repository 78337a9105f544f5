using Microsoft.AspNetCore.Http.HttpResults;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// The 415 of an endpoint that reads its body itself: the problem names the media types it accepts (<c>accepted</c>),
/// as ContentTypeRequired and the status-code pages do for the endpoints whose body the framework reads.
/// </summary>
internal static class MediaTypes
{
    /// <summary>The request's media type without its parameters; empty without Content-Type.</summary>
    public static string Of(HttpRequest request) => request.ContentType?.Split(';', 2)[0].Trim() ?? "";

    /// <summary>
    /// The 415 when the request's media type is not accepted, else null: accepted means one of <paramref name="accepted"/>
    /// (case-insensitive), or what <paramref name="accepts"/> says. <paramref name="send"/> tells the client what to send.
    /// </summary>
    public static ProblemHttpResult? Unsupported(HttpRequest request, string[] accepted, string send, Func<string, bool>? accepts = null)
    {
        var mediaType = Of(request);
        if (accepts?.Invoke(mediaType) ?? accepted.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return TypedResults.Problem(title: "Unsupported media type",
            detail: $"{send}; {(mediaType.Length == 0 ? "the request has no Content-Type" : mediaType + " is not accepted")}.",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            extensions: new Dictionary<string, object?> { ["accepted"] = accepted });
    }
}
