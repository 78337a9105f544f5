using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Security;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.ValidateReport;

internal sealed class ValidateReportEndpoint(ReportValidator validator, ReportsDbContext db)
    : Endpoint<ReportBody, Results<Ok<ValidateReportResponse>, ProblemHttpResult>>
{
    public const string Route = "/validate";

    public override void Configure()
    {
        Post(Route);
        Group<ReportsGroup>();
        RequestBinder(new BindsItself<ReportBody>());
        Description(b => b.WithName("ValidateReport").RequirePolicy(AccessPolicies.Write)
            .Accepts<Report>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Check a report without storing it";
            s.Description = "Runs every statutory rule on the report and answers 200 with the violations; nothing is stored. " +
                "The cross-year rules compare with the same agency's stored report of the previous year. " +
                "A body that is not JSON or has values of the wrong JSON type gets 400.";
        });
    }

    public override async Task<Results<Ok<ValidateReportResponse>, ProblemHttpResult>> ExecuteAsync(ReportBody body, CancellationToken cancellationToken)
    {
        var request = HttpContext.Request;
        if (body.Problem is ProblemHttpResult problem)
        {
            return problem;
        }

        // The cross-year rules read the agency's stored previous year: only for agencies the caller may write for.
        var caller = Caller.From(request.HttpContext.User);
        if (body.Result is ReportReadResult.Parsed { Report.Agency: { } agency } && !caller.MayWrite(agency.CreditCode, agency.RegionCode))
        {
            return caller.Forbidden(agency.CreditCode, agency.RegionCode, "validate");
        }

        IReadOnlyList<Violation> violations = body.Result switch
        {
            ReportReadResult.Parsed parsed => validator.Check(new ReportUnderReview(
                parsed.Report, await ReportRecords.PreviousYearAsync(db, parsed.Report, cancellationToken))),
            ReportReadResult.WrongFormat wrong => [wrong.Violation],
            _ => throw new InvalidOperationException("A report body is either parsed, malformed or of the wrong format."),
        };

        return TypedResults.Ok(new ValidateReportResponse
        {
            Valid = !violations.Any(v => v.IsError),
            Violations = RuleViolation.From(violations, Languages.Preferred(request)),
        });
    }
}
