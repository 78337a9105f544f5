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
}
