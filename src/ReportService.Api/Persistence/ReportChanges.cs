using Npgsql;

namespace ReportService.Api.Persistence;

/// <summary>
/// The data version that aggregate ETags are made of (ADR 8). Advanced after a write commits: a reader may then see
/// new data under the old version for a moment (its ETag changes at the next request), but never old data
/// under a new version. Cached answers do not depend on it: they follow the change log (ADR 11).
/// </summary>
internal static class ReportChanges
{
    /// <summary>Not cancellable: the write it follows is committed already, whatever the client does now.</summary>
    public static async Task AdvanceAsync(ReportsDbContext db)
    {
        try
        {
            await PersistenceConnections.WithOpenConnectionAsync(db, async (connection, transaction) =>
            {
                await using var command = new NpgsqlCommand("SELECT nextval('report_changes')", connection, transaction);
                return await command.ExecuteScalarAsync(CancellationToken.None);
            }, CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            // The write is committed and in the change log, so aggregates count it (ADR 11); only the ETag stays
            // behind until the next write's advance (or the start-up advance).
        }
    }

    /// <summary>The same, on a connection the caller holds open (outside any transaction).</summary>
    public static async Task AdvanceAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT nextval('report_changes')", connection);
            await command.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception ex) when (DatabaseErrors.IsUnavailable(ex))
        {
            // As above: committed and logged; the ETag catches up at the next advance.
        }
    }
}
