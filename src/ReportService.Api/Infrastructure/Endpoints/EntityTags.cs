using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ReportService.Api.Infrastructure.Endpoints;

/// <summary>
/// If-Match and If-None-Match as the conditional writes read them (a report's correction and review, an agency's
/// registration): each endpoint decides what a missing header means (a correction requires If-Match; a registration
/// takes it optionally, and If-None-Match: * to create only), all read the headers and compare tags alike.
/// </summary>
internal static class EntityTags
{
    /// <summary>
    /// The entity tags of the header, or the 400 of a header sent that is not a list of entity tags or * (RFC 9110
    /// §8.8.3: a tag is quoted, so <c>If-Match: 3</c> is a malformed request, not a missing precondition);
    /// <paramref name="example"/> says where the client finds the tag.
    /// </summary>
    public static (IList<EntityTagHeaderValue> Tags, ProblemHttpResult? Problem) Read(HttpRequest request, string header, string example)
    {
        var typed = request.GetTypedHeaders();
        var tags = header == HeaderNames.IfNoneMatch ? typed.IfNoneMatch : typed.IfMatch;
        if (tags.Count == 0 && request.Headers[header].Count > 0)
        {
            return (tags, TypedResults.Problem(
                title: $"{header} is not an entity tag",
                detail: $"{header} must be {example}.",
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["parameter"] = header }));
        }

        return (tags, null);
    }

    /// <summary>Whether one of the tags is * or the current one (strong comparison of the quoted tag).</summary>
    public static bool Name(IList<EntityTagHeaderValue> tags, string current) =>
        tags.Any(tag => tag == EntityTagHeaderValue.Any || tag.Tag.Equals(current, StringComparison.Ordinal));
}
