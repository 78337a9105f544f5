using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Infrastructure;
using ReportService.Statutory.Model;

namespace ReportService.Api.Persistence;

/// <summary>
/// The rows of a submission as raw, positional Npgsql commands, for the write path that sends a report's
/// rows, its rollup upsert and the commit in one round trip (<see cref="NpgsqlBatch"/>, docs/adr/0007). EF
/// Core's change tracking and SQL generation for a 236-column revision cost more service CPU than the rest
/// of a submission; these commands are prepared by Npgsql after their second use on a connection. Column
/// names and types are those of the committed migrations (the EF model in <see cref="ReportsDbContext"/>
/// describes the same tables, for reads).
/// </summary>
internal static class ReportRows
{
    /// <summary>The columns of a <c>reports</c> row, in the order every writer sends them.</summary>
    internal static readonly string[] ReportColumns =
        ["id", "credit_code", "year", "scope", "format", "agency_name", "region_code", "level", "kind", "published_on", "current_revision", "created_at", "updated_at"];

    /// <summary>The columns of a <c>report_revisions</c> row, in the order every writer sends them.</summary>
    internal static readonly string[] RevisionColumns =
        ["report_id", "revision", "submitted_at", "submitted_by", "submitted_client", "operation", "content_hash", "body", "warnings", .. CellColumns.All.Select(c => c.Name)];

    private static readonly string InsertReportSql = Insert("reports", ReportColumns);

    private static readonly string InsertRevisionSql = Insert("report_revisions", RevisionColumns);

    private const string InsertIdempotencySql =
        "INSERT INTO idempotency_keys (key, request_hash, report_id, revision, created_at) VALUES ($1, $2, $3, $4, $5)";

    public static NpgsqlBatchCommand InsertReport(StoredReport report)
    {
        var command = new NpgsqlBatchCommand(InsertReportSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = report.Id });
        p.Add(new NpgsqlParameter<string> { TypedValue = report.CreditCode, NpgsqlDbType = NpgsqlDbType.Varchar });
        p.Add(new NpgsqlParameter<int> { TypedValue = report.Year });
        p.Add(Text(ContractEnums.Name(report.Scope)));
        p.Add(Text(report.Format));
        p.Add(Text(report.AgencyName));
        p.Add(Text(report.RegionCode));
        p.Add(Text(ContractEnums.Name(report.Level)));
        p.Add(Text(ContractEnums.Name(report.Kind)));
        p.Add(new NpgsqlParameter<DateOnly?> { TypedValue = report.PublishedOn });
        p.Add(new NpgsqlParameter<int> { TypedValue = report.CurrentRevision });
        p.Add(Timestamp(report.CreatedAt));
        p.Add(Timestamp(report.UpdatedAt));
        return command;
    }

    /// <summary>The revision row with every typed cell column filled from the report (NULL for another format's cells).</summary>
    public static NpgsqlBatchCommand InsertRevision(StoredRevision revision, Report report)
    {
        var command = new NpgsqlBatchCommand(InsertRevisionSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = revision.ReportId });
        p.Add(new NpgsqlParameter<int> { TypedValue = revision.Revision });
        p.Add(Timestamp(revision.SubmittedAt));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)revision.SubmittedBy ?? DBNull.Value });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)revision.SubmittedClient ?? DBNull.Value });
        p.Add(Text(revision.Operation));
        p.Add(new NpgsqlParameter<string> { TypedValue = revision.ContentHash, NpgsqlDbType = NpgsqlDbType.Char });
        p.Add(new NpgsqlParameter<string> { TypedValue = revision.Body, NpgsqlDbType = NpgsqlDbType.Jsonb });
        p.Add(new NpgsqlParameter<string> { TypedValue = revision.Warnings, NpgsqlDbType = NpgsqlDbType.Jsonb });
        foreach (var column in CellColumns.All)
        {
            var value = column.Formats.Contains(report.Format) ? column.Read(report) : null;
            p.Add(column.Kind == CellColumnKind.Amount
                ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Numeric, Value = value ?? DBNull.Value }
                : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = value ?? DBNull.Value });
        }

        return command;
    }

    public static NpgsqlBatchCommand InsertIdempotency(IdempotencyRecord record)
    {
        var command = new NpgsqlBatchCommand(InsertIdempotencySql);
        var p = command.Parameters;
        p.Add(Text(record.Key));
        p.Add(Text(record.RequestHash));
        p.Add(new NpgsqlParameter<Guid> { TypedValue = record.ReportId });
        p.Add(new NpgsqlParameter<int> { TypedValue = record.Revision });
        p.Add(Timestamp(record.CreatedAt));
        return command;
    }

    private static string Insert(string table, string[] columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$" + (i + 1)))})";

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<DateTime> Timestamp(DateTimeOffset value) =>
        new() { TypedValue = value.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
