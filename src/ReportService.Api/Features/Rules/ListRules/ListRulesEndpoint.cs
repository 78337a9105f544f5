using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Rules.ListRules;

internal static class ListRulesEndpoint
{
    // The catalogue is fixed for the life of the process.
    private static readonly ListRulesResponse Catalogue = new()
    {
        Rules = [.. RuleCatalog.All.Select(r => new ListRulesItem
        {
            Id = r.Id,
            Severity = r.Severity,
            Formats = r.Formats,
            CrossYear = r.NeedsPreviousYear,
            TextZh = r.Text.Chinese,
            TextEn = r.Text.English,
        })],
    };

    public static RouteHandlerBuilder MapListRules(this IEndpointRouteBuilder rules) =>
        rules.MapGet("/", Handle)
            .WithName("ListRules")
            .WithSummary("The rule catalogue")
            .WithDescription("Every statutory rule with its stable id, severity, formats and text in Chinese and English.");

    internal static Ok<ListRulesResponse> Handle() => TypedResults.Ok(Catalogue);
}
