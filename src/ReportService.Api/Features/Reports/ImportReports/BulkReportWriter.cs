using System.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;

namespace ReportService.Api.Features.Reports.ImportReports;

/// <summary>A report ready to be stored by the bulk writer.</summary>
internal sealed record BulkReport(StoredReport Report, StoredRevision Revision, Report Content);

/// <summary>
/// Stores many new reports in one pass: binary COPY into staging tables, then one INSERT … ON CONFLICT DO
/// NOTHING into the real tables, all in one transaction. A report whose identity exists already (or arrives
/// concurrently) is skipped, not fatal: the caller learns which ids were stored.
/// </summary>
internal static class BulkReportWriter
{
    private static readonly string[] ReportColumns =
        ["id", "credit_code", "year", "scope", "format", "agency_name", "region_code", "level", "kind", "published_on", "current_revision", "created_at", "updated_at"];

    private static readonly string[] RevisionColumns =
        ["report_id", "revision", "submitted_at", "submitted_by", "submitted_client", "operation", "content_hash", "body", "warnings", .. CellColumns.All.Select(c => c.Name)];

    public static async Task<HashSet<Guid>> WriteAsync(ReportsDbContext db, IReadOnlyList<BulkReport> reports, CancellationToken cancellationToken)
    {
        var stored = new HashSet<Guid>();
        if (reports.Count == 0)
        {
            return stored;
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            await ExecuteAsync(connection, transaction,
                "CREATE TEMP TABLE batch_reports (LIKE reports INCLUDING DEFAULTS) ON COMMIT DROP; " +
                "CREATE TEMP TABLE batch_revisions (LIKE report_revisions INCLUDING DEFAULTS) ON COMMIT DROP;", cancellationToken);

            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY batch_reports ({string.Join(", ", ReportColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (report, _, _) in reports)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(report.Id, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(report.CreditCode, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(report.Year, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(Infrastructure.ContractEnums.Name(report.Scope), NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(report.Format, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(report.AgencyName, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(report.RegionCode, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(Infrastructure.ContractEnums.Name(report.Level), NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(Infrastructure.ContractEnums.Name(report.Kind), NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(report.PublishedOn, NpgsqlDbType.Date, cancellationToken);
                    await importer.WriteAsync(report.CurrentRevision, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(report.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(report.UpdatedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY batch_revisions ({string.Join(", ", RevisionColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (_, revision, content) in reports)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(revision.ReportId, NpgsqlDbType.Uuid, cancellationToken);
                    await importer.WriteAsync(revision.Revision, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(revision.SubmittedAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                    if (revision.SubmittedBy is null)
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await importer.WriteAsync(revision.SubmittedBy, NpgsqlDbType.Text, cancellationToken);
                    }

                    if (revision.SubmittedClient is null)
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        await importer.WriteAsync(revision.SubmittedClient, NpgsqlDbType.Text, cancellationToken);
                    }

                    await importer.WriteAsync(revision.Operation, NpgsqlDbType.Text, cancellationToken);

                    await importer.WriteAsync(revision.ContentHash, NpgsqlDbType.Char, cancellationToken);
                    await importer.WriteAsync(revision.Body, NpgsqlDbType.Jsonb, cancellationToken);
                    await importer.WriteAsync(revision.Warnings, NpgsqlDbType.Jsonb, cancellationToken);
                    foreach (var column in CellColumns.All)
                    {
                        var value = column.Formats.Contains(content.Format) ? column.Read(content) : null;
                        switch (value)
                        {
                            case null:
                                await importer.WriteNullAsync(cancellationToken);
                                break;
                            case decimal amount:
                                await importer.WriteAsync(amount, NpgsqlDbType.Numeric, cancellationToken);
                                break;
                            default:
                                await importer.WriteAsync((int)value, NpgsqlDbType.Integer, cancellationToken);
                                break;
                        }
                    }
                }

                await importer.CompleteAsync(cancellationToken);
            }

            await using (var insert = new NpgsqlCommand(
                "WITH inserted AS (INSERT INTO reports SELECT * FROM batch_reports ON CONFLICT ON CONSTRAINT " +
                ReportsDbContext.IdentityConstraint + " DO NOTHING RETURNING id) " +
                "INSERT INTO report_revisions SELECT b.* FROM batch_revisions b JOIN inserted i ON i.id = b.report_id RETURNING report_id",
                connection, transaction))
            {
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    stored.Add(reader.GetGuid(0));
                }
            }

            if (stored.Count > 0)
            {
                await ExecuteAsync(connection, transaction, AggregateRollups.BatchSql, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return stored;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
