using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Json;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Reports.ValidateReport;

internal static class ValidateReportEndpoint
{
    public const string Route = "/validate";

    public static RouteHandlerBuilder MapValidateReport(this IEndpointRouteBuilder reports) =>
        reports.MapPost(Route, Handle)
            .WithName("ValidateReport")
            .WithSummary("Check a report without storing it")
            .WithDescription("Runs every statutory rule on the report and answers 200 with the violations; nothing is stored. " +
                "A body that is not JSON or has values of the wrong JSON type gets 400.")
            .Accepts<Report>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    internal static Results<Ok<ValidateReportResponse>, ProblemHttpResult> Handle(
        ReportBody body, ReportValidator validator, HttpRequest request)
    {
        if (body.Problem is ProblemHttpResult problem)
        {
            return problem;
        }

        IReadOnlyList<Violation> violations = body.Result switch
        {
            ReportReadResult.Parsed parsed => validator.Check(new ReportUnderReview(parsed.Report)),
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
