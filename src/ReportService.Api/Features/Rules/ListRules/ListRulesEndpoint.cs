using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Rules.ListRules;

internal sealed class ListRulesEndpoint : EndpointWithoutRequest<Ok<ListRulesResponse>>
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

    public override void Configure()
    {
        Get("");
        Group<RulesGroup>();
        Description(b => b.WithName("ListRules"));
        Summary(s =>
        {
            s.Summary = "The rule catalogue";
            s.Description = "Every statutory rule with its stable id, severity, formats and text in Chinese and English.";
        });
    }

    public override Task<Ok<ListRulesResponse>> ExecuteAsync(CancellationToken ct) => Task.FromResult(TypedResults.Ok(Catalogue));
}
