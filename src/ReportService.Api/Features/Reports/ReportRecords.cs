using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;

namespace ReportService.Api.Features.Reports;

/// <summary>Turns a checked report into the rows that store it.</summary>
internal static class ReportRecords
{
    public static string Hash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    public static StoredReport NewReport(Report report, DateTimeOffset now) => Describe(new StoredReport
    {
        Id = Guid.CreateVersion7(now),
        CreditCode = report.Agency.CreditCode,
        Year = report.Year,
        Scope = report.Agency.Scope,
        Format = report.Format,
        AgencyName = report.Agency.Name,
        RegionCode = "",
        CurrentRevision = 1,
        CreatedAt = now,
        UpdatedAt = now,
    }, report);

    /// <summary>Copies what may change between revisions (everything but the identity) onto the report row.</summary>
    public static StoredReport Describe(StoredReport stored, Report report)
    {
        stored.Format = report.Format;
        stored.AgencyName = report.Agency.Name;
        stored.RegionCode = RegionCode.TryNormalize(report.Agency.RegionCode, out var region) ? region : report.Agency.RegionCode;
        stored.Level = report.Agency.Level;
        stored.Kind = report.Agency.Kind;
        stored.PublishedOn = report.PublishedOn;
        return stored;
    }

    /// <summary>A detached copy of the report row as it is now (for taking its numbers out of the rollups).</summary>
    public static StoredReport Snapshot(StoredReport stored) => new()
    {
        Id = stored.Id,
        CreditCode = stored.CreditCode,
        Year = stored.Year,
        Scope = stored.Scope,
        Format = stored.Format,
        AgencyName = stored.AgencyName,
        RegionCode = stored.RegionCode,
        Level = stored.Level,
        Kind = stored.Kind,
        PublishedOn = stored.PublishedOn,
        CurrentRevision = stored.CurrentRevision,
        CreatedAt = stored.CreatedAt,
        UpdatedAt = stored.UpdatedAt,
    };

    public static StoredRevision NewRevision(
        Guid reportId, int revision, byte[] body, IEnumerable<Violation> warnings, DateTimeOffset now, Caller caller, string operation) => new()
    {
        ReportId = reportId,
        Revision = revision,
        SubmittedAt = now,
        SubmittedBy = caller.Subject,
        SubmittedClient = caller.Client,
        Operation = operation,
        ContentHash = Hash(body),
        Body = System.Text.Encoding.UTF8.GetString(body),
        Warnings = StoredWarnings.Serialize(warnings),
    };

    /// <summary>Adds the revision and fills its typed cell columns from the report.</summary>
    public static void AddRevision(ReportsDbContext db, StoredRevision revision, Report report)
    {
        var entry = db.Revisions.Add(revision);
        foreach (var column in CellColumns.All)
        {
            entry.Property(column.Name).CurrentValue = column.Formats.Contains(report.Format) ? column.Read(report) : null;
        }
    }

    /// <summary>The identity of a report: one per agency credit code, year and scope.</summary>
    public static IQueryable<StoredReport> WithIdentity(this IQueryable<StoredReport> reports, string creditCode, int year, ReportScope scope) =>
        reports.Where(r => r.CreditCode == creditCode && r.Year == year && r.Scope == scope);

    public static string ETag(int revision) => $"\"{revision}\"";

    public static string Location(Guid id) => $"{ReportsGroup.Prefix}/{id}";

    /// <summary>The same agency's current report of the previous year, for the cross-year rules.</summary>
    /// <remarks>
    /// A raw, positional command (prepared by Npgsql after its second use on a connection) on the context's
    /// connection: it runs on every submission, correction and validation, and EF Core's query pipeline cost
    /// more service CPU than the statement costs PostgreSQL.
    /// </remarks>
    public static async Task<Report?> PreviousYearAsync(ReportsDbContext db, Report report, CancellationToken cancellationToken)
    {
        var body = await PersistenceConnections.WithOpenConnectionAsync(db, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand(PreviousYearSql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = report.Agency.CreditCode, NpgsqlDbType = NpgsqlDbType.Varchar });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = report.Year - 1 });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Infrastructure.ContractEnums.Name(report.Agency.Scope), NpgsqlDbType = NpgsqlDbType.Text });
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);
        return body is null ? null : StoredBodies.Read(body);
    }

    private const string PreviousYearSql =
        "SELECT v.body FROM reports r JOIN report_revisions v ON v.report_id = r.id AND v.revision = r.current_revision " +
        "WHERE r.credit_code = $1 AND r.year = $2 AND r.scope = $3 LIMIT 1";
}

/// <summary>Stored bodies were valid reports when stored, so they always read back.</summary>
internal static class StoredBodies
{
    public static Report Read(string body) =>
        ReportService.Statutory.Json.ReportReader.Read(System.Text.Encoding.UTF8.GetBytes(body)) is ReportService.Statutory.Json.ReportReadResult.Parsed parsed
            ? parsed.Report
            : throw new InvalidOperationException("A stored report body no longer reads as a report.");
}
