using Npgsql;

namespace ReportService.Api.Persistence;

/// <summary>
/// What PostgreSQL does not say by an error when a commit's wait for the synchronous standby ends early (ADR 19): a
/// cancelled wait (a cancel request, <c>pg_cancel_backend</c>, a statement timeout) or a terminated one leaves the
/// transaction committed on the primary alone, visible to everyone, and answers success with a WARNING. So a write
/// watches its connection for warnings and is not acknowledged after one, and a row read back as "already stored"
/// (an idempotency replay) is first confirmed to be on the standby.
/// </summary>
internal static class StandbyConfirmation
{
    /// <summary>
    /// Watches <paramref name="connection"/> for WARNING notices until disposed. The service's writes (inserts, the
    /// rollup upsert) raise none of their own, so any warning during a write is taken as the cancelled wait (its text
    /// depends on the server's lc_messages; its severity does not).
    /// </summary>
    public static WarningWatch Watch(NpgsqlConnection connection) => new(connection);

    /// <summary>
    /// Returns once everything committed on this primary before the call is on the synchronous standby:
    /// <paramref name="sql"/> writes a row (WAL), so its commit record comes after every earlier one and waits for the
    /// standby like any other. (A transaction that only takes a transaction id, <c>SELECT pg_current_xact_id()</c>,
    /// writes no WAL but its commit record, and PostgreSQL commits that one without waiting for the standby.) Never
    /// cancelled (see <see cref="Watch"/>); throws <see cref="UnconfirmedCommitException"/> when the wait was ended
    /// early all the same.
    /// </summary>
    public static async Task ConfirmAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        using var watch = Watch(connection);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(CancellationToken.None);
        watch.ThrowIfWarned();
    }

    internal sealed class WarningWatch : IDisposable
    {
        private readonly NpgsqlConnection _connection;
        private volatile string? _warning;

        public WarningWatch(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notice += OnNotice;
        }

        public bool Warned => _warning is not null;

        public void ThrowIfWarned()
        {
            if (_warning is { } warning)
            {
                throw new UnconfirmedCommitException(warning);
            }
        }

        public void Dispose() => _connection.Notice -= OnNotice;

        private void OnNotice(object sender, NpgsqlNoticeEventArgs e)
        {
            if (e.Notice.InvariantSeverity == "WARNING")
            {
                _warning = e.Notice.MessageText;
            }
        }
    }
}

/// <summary>A commit whose wait for the synchronous standby ended early: stored on the primary, not confirmed (503).</summary>
internal sealed class UnconfirmedCommitException(string warning)
    : Exception($"The commit was not confirmed by a synchronous standby ({warning}).");
