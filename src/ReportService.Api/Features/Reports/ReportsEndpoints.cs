using ReportService.Api.Features.Reports.CorrectReport;
using ReportService.Api.Features.Reports.GetReport;
using ReportService.Api.Features.Reports.GetRevision;
using ReportService.Api.Features.Reports.ImportReports;
using ReportService.Api.Features.Reports.ListReports;
using ReportService.Api.Features.Reports.ListRevisions;
using ReportService.Api.Features.Reports.SubmitReport;
using ReportService.Api.Features.Reports.ValidateReport;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;

namespace ReportService.Api.Features.Reports;

internal static class ReportsEndpoints
{
    public const string Prefix = "/v1/reports";

    public static IEndpointRouteBuilder MapReportsEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup(Prefix).WithTags("Reports").AddEndpointFilter<RequiresDatabase>();
        // Writers (and their dry run, which reads the agency's stored previous year) need reports:write and a
        // grant for the agency, checked in each handler; report bodies need reports:read unless configured public.
        reports.MapValidateReport().RequireAuthorization(Policies.Write);
        reports.MapSubmitReport().RequireAuthorization(Policies.Write);
        reports.MapImportReports().RequireAuthorization(Policies.Write);
        reports.MapListReports().RequireAuthorization(Policies.ReadReports);
        reports.MapGetReport().RequireAuthorization(Policies.ReadReports);
        reports.MapCorrectReport().RequireAuthorization(Policies.Write);
        reports.MapListRevisions().RequireAuthorization(Policies.ReadReports);
        reports.MapGetRevision().RequireAuthorization(Policies.ReadReports);
        return app;
    }
}
