using FastEndpoints;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Npgsql;
using ReportService.Api.Features.Regions;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;
using AccessPolicies = ReportService.Api.Infrastructure.Security.Policies;

namespace ReportService.Api.Features.Agencies.RegisterAgency;

/// <summary>
/// Registers an agency, or replaces its registration (a PUT is idempotent: the same body twice stores one
/// version). If-Match makes a replacement conditional on the version read; If-None-Match: * makes it a create only.
/// </summary>
internal sealed class RegisterAgencyEndpoint(ReportsDbContext db, RegionDirectory regions, TimeProvider clock)
    : Endpoint<RegisterAgencyRequest, Results<Created<AgencyResponse>, Ok<AgencyResponse>, ProblemHttpResult>>
{
    public override void Configure()
    {
        Put("{creditCode}");
        Group<AgenciesGroup>();
        Description(b => b.WithName("RegisterAgency").RequirePolicy(AccessPolicies.WriteAgencies)
            .Accepts<RegisterAgencyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable));
        Summary(s =>
        {
            s.Summary = "Register an agency, replace its registration, or dissolve it";
            s.Description = "A department or other body that owes a report for every year from firstYear to lastYear (no lastYear: still in force). " +
                "The body is the whole registration: 201 when the agency is new, 200 when it replaces one (a new version, unless nothing changed). " +
                "Dissolving an agency is a replacement with its lastYear. An agency learned from its reports (source report) becomes registered, and from then on no report or correction changes it. " +
                "Conditional: If-Match with the ETag of GET /v1/agencies/{creditCode} (412 when another change came first), If-None-Match: * to create only. " +
                "Of two requests creating the same agency at once (or a request and a report that makes it known), one creates it (201) and the other " +
                "replaces it (200), or gets 412 when it asked to create only. " +
                "Every version is audited (who, client, when).";
        });
    }

    public override async Task<Results<Created<AgencyResponse>, Ok<AgencyResponse>, ProblemHttpResult>> ExecuteAsync(RegisterAgencyRequest req, CancellationToken ct)
    {
        var creditCode = Route<string>("creditCode") ?? "";
        if (AgencyRecords.CreditCodeProblem(creditCode) is { } codeProblem)
        {
            return TypedResults.Problem(title: "Bad request", detail: codeProblem, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["parameter"] = "creditCode" });
        }

        var (agency, problem) = AgencyRecords.Check(creditCode, req, regions);
        if (problem is not null)
        {
            return TypedResults.Problem(FastEndpointsSetup.Problem([new ValidationFailure("/" + problem.Field, problem.Detail)], HttpContext, StatusCodes.Status400BadRequest));
        }

        const string Example = "an ETag exactly as the agency's GET or PUT sent it, quotes included (for example \"2\"), or *";
        var (ifMatch, badIfMatch) = EntityTags.Read(HttpContext.Request, HeaderNames.IfMatch, Example);
        var (ifNoneMatch, badIfNoneMatch) = EntityTags.Read(HttpContext.Request, HeaderNames.IfNoneMatch, Example);
        if ((badIfMatch ?? badIfNoneMatch) is { } malformed)
        {
            return malformed;
        }

        var caller = Caller.From(HttpContext.User);
        if (!caller.MayRegisterAgency(agency!.RegionCode))
        {
            return caller.AgencyForbidden(creditCode, agency.RegionCode);
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var outcomes = await AgencyStore.RegisterAsync(connection, [agency], (_, current) =>
            current is not null && !caller.MayRegisterAgency(current.RegionCode)
                ? caller.AgencyForbidden(creditCode, current.RegionCode)
                : Precondition(ifMatch, ifNoneMatch, current), caller, clock.GetUtcNow(), ct);
        var (write, version, changedAt, refusal) = outcomes[creditCode];
        if (refusal is not null)
        {
            return refusal;
        }

        // Not cancellable: a registration acknowledged to nobody must not be half-known (ADR 12).
        await transaction.CommitAsync(CancellationToken.None);

        var response = AgencyRecords.Response(new StoredAgency
        {
            CreditCode = creditCode,
            Name = agency.Name,
            RegionCode = agency.RegionCode,
            Level = agency.Level,
            Kind = agency.Kind,
            FirstYear = agency.FirstYear,
            LastYear = agency.LastYear,
            Source = AgencySources.Register,
            Version = version,
            ChangedAt = changedAt,
        });
        HttpContext.Response.Headers.ETag = AgencyRecords.ETag(version);
        Telemetry.AgenciesRegistered.Add(1, new KeyValuePair<string, object?>("outcome", write.ToString().ToLowerInvariant()), new KeyValuePair<string, object?>("operation", "put"));
        return write == AgencyWrite.Created
            ? TypedResults.Created(AgencyRecords.Location(creditCode), response)
            : TypedResults.Ok(response);
    }

    /// <summary>The 412 of If-Match naming another version (or an agency that does not exist), or If-None-Match matching the current one.</summary>
    private static ProblemHttpResult? Precondition(IList<EntityTagHeaderValue> ifMatch, IList<EntityTagHeaderValue> ifNoneMatch, StoredAgency? current)
    {
        var tag = current is null ? null : AgencyRecords.ETag(current.Version);
        if (ifMatch.Count > 0 && (current is null || !EntityTags.Name(ifMatch, tag!)))
        {
            return TypedResults.Problem(title: "The agency has changed",
                detail: current is null
                    ? "If-Match names a version, but the agency is not registered. Send the PUT without If-Match (or with If-None-Match: *) to register it."
                    : $"If-Match does not name the current version ({tag}). Read the agency again (GET {AgencyRecords.Location(current.CreditCode)}), apply your change to it and retry.",
                statusCode: StatusCodes.Status412PreconditionFailed);
        }

        if (current is not null && EntityTags.Name(ifNoneMatch, tag!))
        {
            return TypedResults.Problem(title: "The agency exists",
                detail: $"If-None-Match matches the current version ({tag}) of agency {current.CreditCode}: it is {(current.Source == AgencySources.Report ? "known from its reports" : "registered")} already. " +
                    "Send If-Match with its ETag to replace it.",
                statusCode: StatusCodes.Status412PreconditionFailed);
        }

        return null;
    }
}
