using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ReportService.CrashClient;

/// <summary>
/// One slow request for the SIGTERM drain check (bench/crash/drain.sh): POST /v1/reports/batch with N
/// distinct generated reports as NDJSON. Touches the started file when the request is about to go out, so
/// that the script can send SIGTERM while it runs, and succeeds only on 200 with every line answered and
/// accepted.
/// </summary>
internal static class Drain
{
    public static async Task<int> RunAsync(Uri url, Options options)
    {
        var lines = options.Int("lines");
        var seed = options.Int("seed", 7);
        var codeBase = options.Int("code-base", 3_000_000);
        var startedFile = options.String("started-file", "");
        var timeout = TimeSpan.FromSeconds(options.Double("timeout-seconds", 300));

        var generating = Stopwatch.GetTimestamp();
        var bodies = new byte[lines][];
        Parallel.For(0, lines, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => bodies[i] = CrashReports.Make(seed, i, codeBase).Body);
        var ndjson = new byte[bodies.Sum(b => b.Length + 1)];
        var at = 0;
        foreach (var body in bodies)
        {
            body.CopyTo(ndjson, at);
            at += body.Length;
            ndjson[at++] = (byte)'\n';
        }

        Console.WriteLine($"drain: {lines} reports, {ndjson.Length / 1048576.0:F1} MiB of NDJSON, generated in {Stopwatch.GetElapsedTime(generating).TotalSeconds:F1} s");

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = timeout }.Authorized();
        using var content = new ByteArrayContent(ndjson);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        if (startedFile.Length > 0)
        {
            await File.WriteAllTextAsync(startedFile, DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }

        var sent = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(new Uri("/v1/reports/batch", UriKind.Relative), content);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Console.WriteLine($"drain: no answer after {Stopwatch.GetElapsedTime(sent).TotalSeconds:F1} s: {ex.GetType().Name}: {ex.Message}");
            Console.WriteLine($"RESULT drain lines={lines} status=0 answered=0 accepted=0 seconds={Stopwatch.GetElapsedTime(sent).TotalSeconds:F1}");
            return 1;
        }

        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                Console.WriteLine($"drain: HTTP {(int)response.StatusCode}, but the body was cut off after {Stopwatch.GetElapsedTime(sent).TotalSeconds:F1} s: {ex.Message}");
                Console.WriteLine($"RESULT drain lines={lines} status={(int)response.StatusCode} answered=0 accepted=0 seconds={Stopwatch.GetElapsedTime(sent).TotalSeconds:F1}");
                return 1;
            }

            var seconds = Stopwatch.GetElapsedTime(sent).TotalSeconds;
            int answered = 0, accepted = 0;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(text);
                answered = json.RootElement.GetProperty("lines").GetArrayLength();
                accepted = json.RootElement.GetProperty("accepted").GetInt32();
            }
            else
            {
                Console.WriteLine($"drain: HTTP {(int)response.StatusCode}: {(text.Length > 600 ? text[..600] : text)}");
            }

            Console.WriteLine($"drain: HTTP {(int)response.StatusCode} after {seconds:F1} s, {answered} of {lines} lines answered, {accepted} accepted");
            Console.WriteLine($"RESULT drain lines={lines} status={(int)response.StatusCode} answered={answered} accepted={accepted} seconds={seconds:F1}");
            return response.StatusCode == HttpStatusCode.OK && answered == lines && accepted == lines ? 0 : 1;
        }
    }
}
