using Npgsql;

namespace ReportService.Api.Persistence;

/// <summary>
/// The data version that aggregate ETags are made of. Advanced after a write commits: a reader may then see
/// new data under the old version for a moment (its ETag changes at the next request), but never old data
/// under a new version.
/// </summary>
internal static class ReportChanges
{
    private static long _missedAdvances;

    /// <summary>
    /// Writes of this process acknowledged although their advance failed (the database went away right after
    /// the commit). The in-process aggregate answer cache makes it part of its version, so such a write is
    /// still never hidden behind an answer cached before it.
    /// </summary>
    public static long MissedAdvances => Interlocked.Read(ref _missedAdvances);

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
            Interlocked.Increment(ref _missedAdvances);
            // The write is committed; the start-up advance covers a version that could not be moved now.
        }
    }

    /// <summary>A committed write whose advance could not even be tried (its connection broke right after the commit).</summary>
    public static void RecordMissedAdvance() => Interlocked.Increment(ref _missedAdvances);

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
            Interlocked.Increment(ref _missedAdvances);
        }
    }

    public static async Task<long> CurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM report_changes", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
