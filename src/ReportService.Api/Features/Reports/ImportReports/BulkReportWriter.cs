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
/// Stores many new reports in one transaction, writing each row once: binary COPY of the small report rows
/// into a staging table, one INSERT … ON CONFLICT DO NOTHING from it into <c>reports</c> (a report whose
/// identity exists already, or arrives concurrently, is skipped, not fatal: the caller learns which ids were
/// stored), binary COPY of the stored reports' revisions straight into <c>report_revisions</c>, and the
/// rollup deltas summed here from the cells already in hand and folded into <c>aggregate_rollups</c> with
/// one upsert of a few rows. All in one transaction: the import is stored whole or not at all.
/// </summary>
internal static class BulkReportWriter
{
    private static readonly string[] RollupColumns =
        ["grain", "region_code", "year", "level", "kind", "scope", "format", "shard", "report_count", .. CellColumns.All.Select(c => c.Name)];

    private static readonly int CellCount = CellColumns.All.Count;

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
            // jit off here whatever the connection string says: the rollup upsert's estimate is far above
            // jit_above_cost and compiling it costs more than running it.
            await ExecuteAsync(connection, transaction,
                "SET LOCAL jit = off; " +
                "CREATE TEMP TABLE batch_reports (LIKE reports INCLUDING DEFAULTS) ON COMMIT DROP; " +
                "CREATE TEMP TABLE batch_rollups (LIKE aggregate_rollups) ON COMMIT DROP;", cancellationToken);

            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY batch_reports ({string.Join(", ", ReportRows.ReportColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                importer.Timeout = StatementTimeout;
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

            await using (var insert = new NpgsqlCommand(
                "INSERT INTO reports SELECT * FROM batch_reports ON CONFLICT ON CONSTRAINT " + ReportsDbContext.IdentityConstraint +
                " DO NOTHING RETURNING id", connection, transaction) { CommandTimeout = 0 })
            {
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    stored.Add(reader.GetGuid(0));
                }
            }

            if (stored.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return stored;
            }

            var deltas = new RollupDeltas();
            var cells = new object?[CellCount];
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY report_revisions ({string.Join(", ", ReportRows.RevisionColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                importer.Timeout = StatementTimeout;
                foreach (var (report, revision, content) in reports)
                {
                    if (!stored.Contains(report.Id))
                    {
                        continue;
                    }

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
                    for (var c = 0; c < CellCount; c++)
                    {
                        var column = CellColumns.All[c];
                        var value = cells[c] = column.Formats.Contains(content.Format) ? column.Read(content) : null;
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

                    deltas.Add(report, cells);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            // The whole import's deltas go to one shard per logical row, chosen per import: the import holds
            // its rollup locks until it commits, and single-report writers of the same regions keep the
            // other seven shards. Reads sum the shards, so which shard holds a delta does not matter.
            var shard = (short)Random.Shared.Next(AggregateRollups.Shards);
            await using (var importer = await connection.BeginBinaryImportAsync(
                $"COPY batch_rollups ({string.Join(", ", RollupColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                importer.Timeout = StatementTimeout;
                foreach (var (key, count, totals) in deltas.Ordered())
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(key.Grain, NpgsqlDbType.Smallint, cancellationToken);
                    await importer.WriteAsync(key.Region, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(key.Year, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(key.Level, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(key.Kind, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(key.Scope, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(key.Format, NpgsqlDbType.Text, cancellationToken);
                    await importer.WriteAsync(shard, NpgsqlDbType.Smallint, cancellationToken);
                    await importer.WriteAsync(count, NpgsqlDbType.Bigint, cancellationToken);
                    for (var c = 0; c < CellCount; c++)
                    {
                        if (RollupDeltas.IsAmountColumn(c))
                        {
                            await importer.WriteAsync(totals[c], NpgsqlDbType.Numeric, cancellationToken);
                        }
                        else
                        {
                            await importer.WriteAsync((long)totals[c], NpgsqlDbType.Bigint, cancellationToken);
                        }
                    }
                }

                await importer.CompleteAsync(cancellationToken);
            }

            await ExecuteAsync(connection, transaction, AggregateRollups.BatchSql, cancellationToken);
            // Not cancellable: cancelling the commit's wait for a synchronous standby would leave the batch
            // committed on the primary alone (ADR 12).
            await transaction.CommitAsync(CancellationToken.None);
            return stored;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// No per-statement limit of the driver (its default is 30 s): a large batch on a busy database may need
    /// longer, and the batch request's own time limit (RequestTimeouts:BatchSeconds) cancels the statements.
    /// </summary>
    private static readonly TimeSpan StatementTimeout = Timeout.InfiniteTimeSpan;

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
