using System.Globalization;

namespace ReportService.Bench;

/// <summary>
/// The bench clients' command line: <c>--name value</c> pairs after the command. One copy, linked into
/// each client project (bench/Shared), rather than one per client.
/// </summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            options.values[args[i][2..]] = args[++i];
        }

        return options;
    }

    public string String(string name, string? fallback = null) =>
        values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int? fallback = null) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required");

    public int? OptionalInt(string name) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    public long Long(string name, long fallback) =>
        values.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double? fallback = null) =>
        values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required");
}
