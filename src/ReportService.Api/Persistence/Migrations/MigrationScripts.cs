namespace ReportService.Api.Persistence.Migrations;

internal static class MigrationScripts
{
    public static string Read(string name)
    {
        using var stream = typeof(MigrationScripts).Assembly.GetManifestResourceStream("Migrations." + name)
            ?? throw new InvalidOperationException($"Migration script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The statement of an earlier script that created <paramref name="function"/> (from its CREATE FUNCTION to the end of
    /// its body), as CREATE OR REPLACE: a later migration's Down restores a function it replaced without a second copy.
    /// </summary>
    public static string Function(string name, string function)
    {
        var script = Read(name);
        var start = script.IndexOf($"CREATE FUNCTION {function}(", StringComparison.Ordinal);
        var end = start < 0 ? -1 : script.IndexOf("$$;", script.IndexOf("$$", start, StringComparison.Ordinal) + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new InvalidOperationException($"Migration script {name} does not create the function {function}.");
        }

        return "CREATE OR REPLACE" + script[start..(end + 3)]["CREATE".Length..];
    }
}
