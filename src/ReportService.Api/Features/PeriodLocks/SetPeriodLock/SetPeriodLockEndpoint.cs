using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;

namespace ReportService.Api.Features.PeriodLocks.SetPeriodLock;

/// <summary>The body of <c>PUT /v1/period-locks/{year}</c>.</summary>
public sealed class SetPeriodLockRequest
{
    /// <summary>The last day (UTC+8, YYYY-MM-DD) on which the year's reports may be corrected freely; after the year it locks.</summary>
    public DateOnly? LockedAfter { get; init; }
}

internal sealed class SetPeriodLockValidator : Validator<SetPeriodLockRequest>
{
    public SetPeriodLockValidator() =>
        RuleFor(r => r.LockedAfter).NotNull().WithMessage("lockedAfter is required: the last day (YYYY-MM-DD, UTC+8) on which the year's reports may be corrected freely.");
}

internal sealed class SetPeriodLockEndpoint(PeriodLockStore store)
    : Endpoint<SetPeriodLockRequest, Results<Ok<PeriodLockResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Put("{year:int}");
        Group<PeriodLocksGroup>();
        Description(b => b.WithName("SetPeriodLock")
            .Accepts<SetPeriodLockRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Lock a report year's corrections after a day";
            s.Description = "Sets (or moves) the period lock of a report year: after lockedAfter (UTC+8), a correction of that year's report is refused (409 " +
                "period-locked) until a reviewer returns the report. Stored in the database, so every replica applies it at once; it wins over the " +
                "configuration's Review:PeriodLocks value for the year. Every change is kept in the period lock history (who, client, when, previous day). " +
                "Answered only once every correction that checked the previous lock has committed.";
        });
    }

    public override async Task<Results<Ok<PeriodLockResponse>, ProblemHttpResult>> ExecuteAsync(SetPeriodLockRequest req, CancellationToken cancellationToken)
    {
        var year = Route<int>("year");
        if (PeriodLockRoutes.YearProblem(year) is { } problem)
        {
            return problem;
        }

        var day = req.LockedAfter!.Value;
        if (day.Year <= year)
        {
            return QueryProblems.Invalid("lockedAfter", $"lockedAfter must be after the report year {year} (its reports are due by 31 January {year + 1}); {day:yyyy-MM-dd} is not.");
        }

        var caller = Caller.From(HttpContext.User);
        return TypedResults.Ok(await store.SetAsync(year, day, caller.Subject, caller.Client, cancellationToken));
    }
}

/// <summary>What the period-lock routes share.</summary>
internal static class PeriodLockRoutes
{
    /// <summary>The 400 for a year outside the report years, or null.</summary>
    public static ProblemHttpResult? YearProblem(int year) =>
        year is < AggregateFilter.FirstYear or > AggregateFilter.LastYear
            ? QueryProblems.Invalid("year", $"year must be a report year from {AggregateFilter.FirstYear} to {AggregateFilter.LastYear}; {year} is not.")
            : null;
}
