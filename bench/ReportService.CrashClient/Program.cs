using System.Globalization;
using System.Net;

namespace ReportService.CrashClient;

/// <summary>
/// The client of the crash-consistency run (bench/crash/run.sh, docs/crash-consistency.md). Loopback only,
/// bounded in count and time, stops by itself.
///
///   submit: W workers POST distinct generated reports to /v1/reports, each with its own Idempotency-Key, and
///           write every attempt to a ledger; an unknown outcome (timeout, refused or reset connection, 5xx)
///           is retried with the same key and body until the answer is definitive or time runs out.
///   verify: checks the ledger against the service (GET by id, aggregates) and the tables (SQL).
///   drain:  POSTs one large NDJSON batch and checks that the answer arrives complete (bench/crash/drain.sh
///           sends SIGTERM to the service while it runs).
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length == 0 || args[0] is not ("submit" or "verify" or "drain"))
        {
            await Console.Error.WriteLineAsync(
                "usage: submit --url URL[,URL...] --ledger FILE [--workers W] [--seconds S] [--resolve-seconds R] [--max-reports N]\n" +
                "              [--stop-file FILE] [--attempt-timeout T] [--seed X] [--run RUNID] [--code-base K]\n" +
                "       verify --url URL --ledger FILE --db CONNECTION_STRING\n" +
                "       drain  --url URL --lines N [--seed X] [--started-file FILE] [--timeout-seconds T] [--code-base K]");
            return 2;
        }

        var options = Options.Parse(args.AsSpan(1));
        // submit takes several service processes (comma-separated): the attempts of one key go to them in turn.
        var urls = options.String("url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray();
        foreach (var each in urls)
        {
            if (!IPAddress.TryParse(each.Host, out var address) || !IPAddress.IsLoopback(address))
            {
                await Console.Error.WriteLineAsync($"refusing {each.Host}: this client only talks to a loopback address (127.0.0.1, ::1)");
                return 2;
            }
        }

        var url = urls[0];
        return args[0] switch
        {
            "submit" => await Submitter.RunAsync(urls, options),
            "verify" => await Verifier.RunAsync(url, options),
            _ => await Drain.RunAsync(url, options),
        };
    }
}
