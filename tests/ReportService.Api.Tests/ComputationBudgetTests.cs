using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReportService.Api.Features.Aggregates;

namespace ReportService.Api.Tests;

/// <summary>Two computations at once, one per client, and a short wait for a place.</summary>
public sealed class SmallBudgetServiceFactory : ServiceFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Aggregates:Computations:MaxConcurrent", "2");
        builder.UseSetting("Aggregates:Computations:PerClient", "1");
        builder.UseSetting("Aggregates:Computations:QueueMilliseconds", "300");
    }
}

/// <summary>
/// Aggregate computations have their own budget (issue 13): a client that asks distinct questions as fast as it may
/// gets 429 beyond its share, a full budget is 503, and answers already computed are served to everyone meanwhile.
/// A session holding an ACCESS EXCLUSIVE lock on the rollups keeps computations running for as long as a test needs.
/// </summary>
public sealed class ComputationBudgetTests(SmallBudgetServiceFactory factory) : IClassFixture<SmallBudgetServiceFactory>
{
    private const string Known = "/v1/aggregates?year=2023&groupBy=province";

    private HttpClient Client(string name) => factory.CreateClient(ServiceFactory.Token(regions: ["*"], client: name));

    private ComputationBudget Budget => factory.Services.GetRequiredService<ComputationBudget>();

    private async Task WaitUntilRunningAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Budget.Running < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} computations never ran at once (running: {Budget.Running})");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_client_over_its_share_is_429_a_full_budget_is_503_and_known_answers_are_still_served()
    {
        var attacker = Client("attacker");
        var dashboard = Client("dashboard");
        var other = Client("other");
        Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync(Known)).StatusCode);

        await using var blocker = new NpgsqlConnection(factory.ConnectionString);
        await blocker.OpenAsync();
        var hold = await blocker.BeginTransactionAsync();
        await using (var lockRollups = new NpgsqlCommand("LOCK TABLE aggregate_rollups IN ACCESS EXCLUSIVE MODE", blocker, hold))
        {
            await lockRollups.ExecuteNonQueryAsync();
        }

        Task<HttpResponseMessage> attackersFirst, othersFirst;
        try
        {
            attackersFirst = attacker.GetAsync("/v1/aggregates?year=2023&groupBy=level");
            await WaitUntilRunningAsync(1);

            var overShare = await attacker.GetAsync("/v1/aggregates?year=2023&groupBy=kind");
            var problem = await overShare.AssertProblemAsync(429);
            Assert.Equal("https://report-service/problems/computations-exhausted", (string)problem["type"]!);
            Assert.Equal("1", overShare.Headers.GetValues("Retry-After").Single());
            Assert.False(overShare.Headers.Contains("ETag"));

            var known = await dashboard.GetAsync(Known).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);

            othersFirst = other.GetAsync("/v1/aggregates?year=2022&groupBy=province");
            await WaitUntilRunningAsync(2);
            var busy = await dashboard.GetAsync("/v1/aggregates?year=2021&groupBy=province");
            Assert.Equal("https://report-service/problems/computations-busy", (string)(await busy.AssertProblemAsync(503))["type"]!);
            Assert.True(busy.Headers.Contains("Retry-After"));
            Assert.Equal(HttpStatusCode.OK, (await dashboard.GetAsync(Known)).StatusCode);
        }
        finally
        {
            await hold.RollbackAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await attackersFirst).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await othersFirst).StatusCode);
        Assert.Equal(0, Budget.Running);
        Assert.Equal(HttpStatusCode.OK, (await attacker.GetAsync("/v1/aggregates?year=2023&groupBy=kind")).StatusCode);
    }

    [Fact]
    public async Task A_share_is_per_client_and_comes_back_when_a_computation_ends()
    {
        using var budget = new ComputationBudget(new ComputationBudgetOptions { MaxConcurrent = 3, PerClient = 1, QueueMilliseconds = 0 });
        var first = await budget.EnterAsync("a", CancellationToken.None);
        Assert.Equal(ComputationRefusal.ClientShare,
            (await Assert.ThrowsAsync<ComputationRefusedException>(() => budget.EnterAsync("a", CancellationToken.None))).Refusal);
        using (await budget.EnterAsync("b", CancellationToken.None))
        {
            Assert.Equal(2, budget.Running);
        }

        first.Dispose();
        first.Dispose();
        Assert.Equal(0, budget.Running);
        using var again = await budget.EnterAsync("a", CancellationToken.None);
        Assert.Equal(1, budget.Running);
    }

    [Fact]
    public async Task A_full_budget_refuses_after_its_wait_and_a_cancelled_wait_gives_the_share_back()
    {
        using var budget = new ComputationBudget(new ComputationBudgetOptions { MaxConcurrent = 1, PerClient = 1, QueueMilliseconds = 50 });
        using var held = await budget.EnterAsync("a", CancellationToken.None);
        Assert.Equal(ComputationRefusal.Busy,
            (await Assert.ThrowsAsync<ComputationRefusedException>(() => budget.EnterAsync("b", CancellationToken.None))).Refusal);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => budget.EnterAsync("c", cancelled.Token));

        held.Dispose();
        using var b = await budget.EnterAsync("b", CancellationToken.None);
        Assert.Equal(1, budget.Running);
    }

    [Fact]
    public void Defaults_follow_the_processors_and_a_share_is_at_most_the_whole()
    {
        using var defaults = new ComputationBudget(new ComputationBudgetOptions());
        Assert.Equal(Environment.ProcessorCount, defaults.MaxConcurrent);
        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 2), defaults.PerClient);
        using var oversized = new ComputationBudget(new ComputationBudgetOptions { MaxConcurrent = 2, PerClient = 9 });
        Assert.Equal(2, oversized.PerClient);
    }
}
