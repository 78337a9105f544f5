using ReportService.Api.Features.Aggregates;

namespace ReportService.Api.Tests;

public sealed class AggregateAnswerCacheTests
{
    private static Func<CancellationToken, Task<AggregateAnswer>> Compute(int bytes, Action? counted = null) => _ =>
    {
        counted?.Invoke();
        return Task.FromResult(new AggregateAnswer(new byte[bytes], "application/json; charset=utf-8"));
    };

    [Fact]
    public async Task Answers_are_kept_per_version_and_a_newer_version_drops_the_older_ones()
    {
        var cache = new AggregateAnswerCache(1000);
        var computed = 0;
        Assert.False((await cache.GetOrComputeAsync(5, "/a|json", Compute(10, () => computed++), CancellationToken.None)).Hit);
        Assert.True((await cache.GetOrComputeAsync(5, "/a|json", Compute(10, () => computed++), CancellationToken.None)).Hit);
        Assert.False((await cache.GetOrComputeAsync(5, "/a|csv", Compute(10, () => computed++), CancellationToken.None)).Hit);
        Assert.False((await cache.GetOrComputeAsync(6, "/a|json", Compute(10, () => computed++), CancellationToken.None)).Hit);
        Assert.Equal(1, cache.Size.Count);
        // A request that read the older version and finishes late computes its answer but does not store it.
        Assert.False((await cache.GetOrComputeAsync(5, "/b|json", Compute(10, () => computed++), CancellationToken.None)).Hit);
        Assert.Equal(1, cache.Size.Count);
        Assert.Equal(4, computed);
    }

    [Fact]
    public async Task The_least_recently_used_answers_go_first_and_an_answer_over_a_quarter_is_not_kept()
    {
        var cache = new AggregateAnswerCache(1000);
        foreach (var path in new[] { "/1", "/2", "/3", "/4" })
        {
            await cache.GetOrComputeAsync(1, path, Compute(250), CancellationToken.None);
        }

        Assert.True((await cache.GetOrComputeAsync(1, "/1", Compute(250), CancellationToken.None)).Hit);
        await cache.GetOrComputeAsync(1, "/5", Compute(250), CancellationToken.None);
        Assert.Equal((4, 1000L), cache.Size);
        Assert.False((await cache.GetOrComputeAsync(1, "/2", Compute(250), CancellationToken.None)).Hit);
        Assert.False((await cache.GetOrComputeAsync(1, "/big", Compute(251), CancellationToken.None)).Hit);
        Assert.False((await cache.GetOrComputeAsync(1, "/big", Compute(251), CancellationToken.None)).Hit);
    }

    [Fact]
    public async Task Concurrent_misses_of_the_same_answer_compute_it_once()
    {
        var cache = new AggregateAnswerCache(1000);
        var release = new TaskCompletionSource();
        var computed = 0;
        async Task<AggregateAnswer> Slow(CancellationToken token)
        {
            Interlocked.Increment(ref computed);
            await release.Task;
            return new AggregateAnswer(new byte[10], "text/csv; charset=utf-8");
        }

        var requests = Enumerable.Range(0, 5).Select(_ => cache.GetOrComputeAsync(3, "/q|csv", Slow, CancellationToken.None)).ToArray();
        release.SetResult();
        var answers = await Task.WhenAll(requests);
        Assert.Equal(1, computed);
        Assert.All(answers, a => Assert.Same(answers[0].Answer, a.Answer));
    }

    [Fact]
    public async Task A_request_at_a_newer_sync_brings_forward_the_answer_being_computed_instead_of_computing_it_again()
    {
        // Under writes every request may see a newer sync than the one a slow first computation started at; each
        // computing again would run into the client's computation share (429) on a service that has just started.
        var cache = new AggregateAnswerCache(100_000);
        var release = new TaskCompletionSource();
        var computed = 0;
        var row = new AggregateRow(new Dictionary<Dimension, object?>(), 1, 0, 1, new decimal[ReportService.Api.Persistence.CellColumns.All.Count]);
        async Task<ComputedAnswer> Slow(CancellationToken token)
        {
            Interlocked.Increment(ref computed);
            await release.Task;
            return new ComputedAnswer(new AggregateAnswer(new byte[10], "application/json; charset=utf-8"), [row]);
        }

        var forwardedFrom = new List<long>();
        ComputedAnswer? Forward(long from, IReadOnlyList<AggregateRow> rows, AggregateAnswer answer)
        {
            lock (forwardedFrom)
            {
                forwardedFrom.Add(from);
            }

            return new ComputedAnswer(new AggregateAnswer(new byte[11], answer.ContentType), rows);
        }

        var first = cache.GetOrComputeAsync(3, "/q|json", Forward, Slow, CancellationToken.None);
        var newer = Enumerable.Range(4, 3).Select(sync => cache.GetOrComputeAsync(sync, "/q|json", Forward, Slow, CancellationToken.None)).ToArray();
        release.SetResult();
        Assert.Equal(AnswerSource.Miss, (await first).Source);
        var answers = await Task.WhenAll(newer);
        Assert.Equal(1, computed);
        Assert.All(answers, a => Assert.Equal(11, a.Answer.Body.Length));
        Assert.All(forwardedFrom, from => Assert.Equal(3, from));
        Assert.Equal(AnswerSource.Hit, (await cache.GetOrComputeAsync(6, "/q|json", Forward, Slow, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task When_the_computation_waited_for_is_refused_its_waiters_elect_one_new_computation()
    {
        // Each dashboard question is one client: had every waiter asked for a place of its own, the client's share
        // would have answered all but one of them 429.
        var cache = new AggregateAnswerCache(100_000);
        var release = new TaskCompletionSource();
        var attempts = 0;
        async Task<ComputedAnswer> RefusedFirst(CancellationToken token)
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await release.Task;
                throw new ComputationRefusedException(ComputationRefusal.Busy);
            }

            await Task.Delay(200, token);
            return new ComputedAnswer(new AggregateAnswer(new byte[10], "application/json; charset=utf-8"), []);
        }

        var first = cache.GetOrComputeAsync(3, "/q|json", null, RefusedFirst, CancellationToken.None);
        var waiters = Enumerable.Range(0, 4).Select(_ => cache.GetOrComputeAsync(3, "/q|json", null, RefusedFirst, CancellationToken.None)).ToArray();
        release.SetResult();
        await Assert.ThrowsAsync<ComputationRefusedException>(() => first);
        var answers = await Task.WhenAll(waiters);
        Assert.Equal(2, attempts);
        Assert.All(answers, a => Assert.Equal(10, a.Answer.Body.Length));
    }

    [Fact]
    public async Task Off_when_the_capacity_is_zero()
    {
        var cache = new AggregateAnswerCache(0);
        Assert.False(cache.Enabled);
        await cache.GetOrComputeAsync(1, "/a", Compute(1), CancellationToken.None);
        Assert.False((await cache.GetOrComputeAsync(1, "/a", Compute(1), CancellationToken.None)).Hit);
    }
}
