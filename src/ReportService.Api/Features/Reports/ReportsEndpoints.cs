using ReportService.Api.Features.Reports.CorrectReport;
using ReportService.Api.Features.Reports.GetReport;
using ReportService.Api.Features.Reports.GetRevision;
using ReportService.Api.Features.Reports.ImportReports;
using ReportService.Api.Features.Reports.ListReports;
using ReportService.Api.Features.Reports.ListRevisions;
using ReportService.Api.Features.Reports.SubmitReport;
using ReportService.Api.Features.Reports.ValidateReport;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports;

internal static class ReportsEndpoints
{
    public const string Prefix = "/v1/reports";

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup(Prefix).WithTags("Reports").AddEndpointFilter<RequiresDatabase>();
        reports.MapValidateReport();
        reports.MapSubmitReport();
        reports.MapImportReports();
        reports.MapListReports();
        reports.MapGetReport();
        reports.MapCorrectReport();
        reports.MapListRevisions();
        reports.MapGetRevision();
        return app;
    }
}
