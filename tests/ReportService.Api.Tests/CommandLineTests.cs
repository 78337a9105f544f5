using System.Diagnostics;

namespace ReportService.Api.Tests;

/// <summary>The service's command line, run as the container runs it: `dotnet ReportService.Api.dll ...`.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A database nobody listens on and a signing key: were help to start the service, migrate or mint, it could.
        start.Environment["ConnectionStrings__Reports"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2";
        start.Environment["Auth__SigningKey"] = ServiceFactory.SigningKey;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--migrate", "--help")]
    public async Task Help_prints_the_usage_and_exits_without_serving_or_migrating(params string[] args)
    {
        var (exit, output) = await RunAsync(args);
        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("--migrate", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Migrat", output.Replace("--migrate", "", StringComparison.Ordinal).Replace("migrations", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_token_help_prints_the_options_and_no_token()
    {
        var (exit, output) = await RunAsync("--mint-token", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--credit-code", output, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mint_token_still_prints_a_token()
    {
        var (exit, output) = await RunAsync("--mint-token", "--scope", "reports:read");
        Assert.Equal(0, exit);
        Assert.StartsWith("eyJ", output.Trim(), StringComparison.Ordinal);
    }
}
