using ReportService.Extract;

return await ExtractCommand.RunAsync(args, Console.Out, Console.Error);
