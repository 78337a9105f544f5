using ReportService.Api.Features.Reports.ValidateReport;

namespace ReportService.Api.Features.Reports;

internal static class ReportsEndpoints
{
    public const string Prefix = "/v1/reports";

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup(Prefix).WithTags("Reports");
        reports.MapValidateReport();
        return app;
    }
}
