using System.Diagnostics;

namespace ReportService.Api.Tests;

/// <summary>Runs one of the repository's cluster scripts (scripts/local-postgres.sh, scripts/local-replica.sh) and returns its stdout.</summary>
internal static class LocalScript
{
    /// <summary>
    /// Runs <c>scripts/<paramref name="script"/></c> with LOCAL_PG_START_PORT set to <paramref name="startPort"/> (where the
    /// script looks for free ports); fails with the script's stderr when it exits non-zero or outlasts <paramref name="limit"/>.
    /// </summary>
    public static async Task<string> RunAsync(string script, int startPort, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["LOCAL_PG_START_PORT"] = startPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.ArgumentList.Add(Path.Combine(Repository.Root(), "scripts", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"{script} {string.Join(' ', arguments)} did not finish within {limit}.");
        }

        var output = await stdout.WaitAsync(TimeSpan.FromSeconds(10));
        var errors = await stderr.WaitAsync(TimeSpan.FromSeconds(10));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{errors}");
        }

        return output;
    }
}
