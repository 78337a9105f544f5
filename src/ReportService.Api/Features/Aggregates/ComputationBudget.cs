namespace ReportService.Api.Features.Aggregates;

/// <summary>Settings of <see cref="ComputationBudget"/> (configuration section <c>Aggregates:Computations</c>).</summary>
internal sealed class ComputationBudgetOptions
{
    public const string Section = "Aggregates:Computations";

    /// <summary>Sums run at once in this process; 0 means one per processor.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Sums one client may run at once; 0 means half of <see cref="MaxConcurrent"/> (at least 1).</summary>
    public int PerClient { get; set; }

    /// <summary>How long a computation within its client's share waits for a free place before it is refused with 503.</summary>
    public int QueueMilliseconds { get; set; } = 250;
}

/// <summary>Why a computation was not admitted.</summary>
internal enum ComputationRefusal
{
    /// <summary>The client already runs its share (429: it is the one asking too much).</summary>
    ClientShare,

    /// <summary>Every place is taken and none came free in time (503: the service is busy).</summary>
    Busy,
}

/// <summary>Thrown from a computation that the budget did not admit; answered 429 or 503 with Retry-After.</summary>
internal sealed class ComputationRefusedException(ComputationRefusal refusal) : Exception(refusal.ToString())
{
    public ComputationRefusal Refusal { get; } = refusal;
}

/// <summary>
/// The cost side of aggregate reads (issue 13, OWASP API4). The rate limiter counts requests; a cache miss costs
/// tens of milliseconds of CPU and a database connection, a hit a copy. So only misses that run the sums take a
/// place here: a bounded number at once, and at most a share of them per client. Hits never wait for it, so one
/// client asking distinct questions as fast as it may cannot slow the answers already known to everybody else.
/// </summary>
internal sealed class ComputationBudget : IDisposable
{
    private readonly SemaphoreSlim _places;
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeSpan _queue;

    public ComputationBudget(IConfiguration configuration)
        : this(configuration.GetSection(ComputationBudgetOptions.Section).Get<ComputationBudgetOptions>() ?? new ComputationBudgetOptions())
    {
    }

    internal ComputationBudget(ComputationBudgetOptions options)
    {
        MaxConcurrent = options.MaxConcurrent > 0 ? options.MaxConcurrent : Environment.ProcessorCount;
        PerClient = Math.Min(MaxConcurrent, options.PerClient > 0 ? options.PerClient : Math.Max(1, MaxConcurrent / 2));
        _queue = TimeSpan.FromMilliseconds(Math.Max(0, options.QueueMilliseconds));
        _places = new SemaphoreSlim(MaxConcurrent, MaxConcurrent);
    }

    public int MaxConcurrent { get; }

    public int PerClient { get; }

    /// <summary>Computations running now (for tests and diagnostics).</summary>
    public int Running => MaxConcurrent - _places.CurrentCount;

    /// <summary>
    /// Takes a place for <paramref name="client"/>, or throws <see cref="ComputationRefusedException"/>. Dispose the
    /// lease when the computation ends, however it ends.
    /// </summary>
    public async Task<IDisposable> EnterAsync(string client, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var running = _running.GetValueOrDefault(client);
            if (running >= PerClient)
            {
                throw new ComputationRefusedException(ComputationRefusal.ClientShare);
            }

            _running[client] = running + 1;
        }

        var entered = false;
        try
        {
            entered = await _places.WaitAsync(_queue, cancellationToken);
        }
        finally
        {
            if (!entered)
            {
                Leave(client);
            }
        }

        return entered ? new Lease(this, client) : throw new ComputationRefusedException(ComputationRefusal.Busy);
    }

    public void Dispose() => _places.Dispose();

    private void Leave(string client)
    {
        lock (_gate)
        {
            var running = _running[client] - 1;
            if (running == 0)
            {
                _running.Remove(client);
            }
            else
            {
                _running[client] = running;
            }
        }
    }

    private sealed class Lease(ComputationBudget budget, string client) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget._places.Release();
                budget.Leave(client);
            }
        }
    }
}
