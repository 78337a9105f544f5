using ReportService.Api.Features.Rules.ListRules;

namespace ReportService.Api.Features.Rules;

internal static class RulesEndpoints
{
    public const string Prefix = "/v1/rules";

    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup(Prefix).WithTags("Rules").MapListRules();
        return app;
    }
}
