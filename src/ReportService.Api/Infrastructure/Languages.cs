using Microsoft.AspNetCore.Http.Headers;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Infrastructure;

internal static class Languages
{
    /// <summary>Chinese unless the client's most preferred language that we speak is English.</summary>
    public static MessageLanguage Preferred(HttpRequest request)
    {
        IList<Microsoft.Net.Http.Headers.StringWithQualityHeaderValue> accepted;
        try
        {
            accepted = new RequestHeaders(request.Headers).AcceptLanguage;
        }
        catch (FormatException)
        {
            return MessageLanguage.Chinese;
        }

        foreach (var language in accepted.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.Value ?? "";
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                return MessageLanguage.English;
            }

            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
            {
                return MessageLanguage.Chinese;
            }
        }

        return MessageLanguage.Chinese;
    }
}
