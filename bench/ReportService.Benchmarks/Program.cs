using System.Globalization;
using BenchmarkDotNet.Running;
using ReportService.Extraction.Tests;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.Benchmarks;

internal static class Program
{
    /// <summary>
    /// dotnet run -c Release --project bench/ReportService.Benchmarks -- --filter '*'; or `write-texts DIR N`: N
    /// generated reports as published texts in every text layout (the bulk command's input in bench/extraction).
    /// </summary>
    private static void Main(string[] args)
    {
        if (args is ["write-texts", var dir, var count])
        {
            WriteTexts(dir, int.Parse(count, CultureInfo.InvariantCulture));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create());
    }

    private static void WriteTexts(string dir, int count)
    {
        Directory.CreateDirectory(dir);
        TextLayout[] layouts = [.. ReportRenderer.Positional, TextLayout.Aligned, TextLayout.RunTogether];
        for (var i = 0; i < count; i++)
        {
            var random = new Random(i);
            var report = ReportGenerator.Generate(random, i % 2 == 0 ? ReportFormats.Format2021 : ReportFormats.Format2019);
            var text = new ReportRenderer(layouts[i % layouts.Length], random).Render(report);
            File.WriteAllText(Path.Combine(dir, $"{i:0000}.txt"), text);
        }
    }
}
