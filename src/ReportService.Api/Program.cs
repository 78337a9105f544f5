using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Completeness;
using ReportService.Api.Features.Regions;
using ReportService.Api.Features.Reports.ReviewReport;
using ReportService.Api.Features.Reports.SubmitReport;
using ReportService.Api.Infrastructure;
using ReportService.Api.Infrastructure.Endpoints;
using ReportService.Api.Infrastructure.Security;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;
using ReportService.Statutory.Validation;

// `--help`: the usage, before anything starts (with --mint-token: the token options).
if (CommandLine.WantsHelp(args))
{
    Console.Out.WriteLine(args.Contains(MintTokenCommand.Argument) ? CommandLine.MintTokenUsage : CommandLine.Usage);
    return 0;
}

// `--migrate`: migrate the database and exit (the Helm migration Job); kept out of the configuration's arguments.
var migrateOnly = args.Contains(MigrateCommand.Argument);
// `--mint-token ...`: print a development token signed with Auth:SigningKey and exit.
var (mintToken, mintArguments, otherArgs) = MintTokenCommand.Split(args);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = otherArgs.Where(arg => arg != MigrateCommand.Argument).ToArray(),
    // appsettings.json sits beside the binaries; a service started from another directory must still find it.
    ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
});

if (mintToken)
{
    return MintTokenCommand.Run(builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions(), mintArguments, Console.Out, Console.Error);
}

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = RequestLimits.ReportBodyBytes;
    kestrel.AddServerHeader = false;
});
builder.Services.ConfigureHttpJsonOptions(json => ReportJson.Configure(json.SerializerOptions));
builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
    ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
if (!builder.Environment.IsDevelopment())
{
    // One JSON object per line, with the trace and span ids of the request in its scopes.
    builder.Logging.ClearProviders().AddJsonConsole(json => json.IncludeScopes = true);
}

builder.Services.AddReportServiceTelemetry(builder.Configuration);
builder.Services.AddReportServiceProblemDetails();
builder.Services.AddReportServiceEndpoints();
builder.Services.AddReportServiceOpenApi();
builder.Services.AddReportsDatabase();
builder.Services.AddReportServiceAuth();
builder.Services.AddReportServiceRateLimiting();
builder.Services.AddReportServiceTimeouts();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(_ => RegionDirectory.Load());
// The extractor's index of region names, built once from the same division reference.
builder.Services.AddSingleton(services => new ReportService.Extraction.DivisionIndex(
    services.GetRequiredService<RegionDirectory>().All.Select(r => new ReportService.Extraction.DivisionName(r.Code, r.Name))));
builder.Services.AddSingleton<AggregateAnswerCache>();
builder.Services.AddSingleton<ComputationBudget>();
builder.Services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.Section);
builder.Services.AddSingleton<ReviewLocks>();
builder.Services.AddSingleton<ReportService.Api.Features.PeriodLocks.PeriodLockStore>();
builder.Services.AddSingleton<ExpectedReporters>();
builder.Services.AddSingleton<CompletenessIndex>();
builder.Services.AddSingleton<SubmissionWriter>();
builder.Services.AddHostedService(services => services.GetRequiredService<SubmissionWriter>());
builder.Services.AddSingleton(services => new ReportValidator(
    services.GetRequiredService<TimeProvider>(), services.GetRequiredService<RegionDirectory>()));

var app = builder.Build();

if (migrateOnly)
{
    return await MigrateCommand.RunAsync(app);
}

AuthSetup.EnsureConfigured(app.Services);

app.UseReportServiceTelemetry();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}

app.UseReportServiceOpenApi();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseRequestTimeouts();
app.UseContentTypeRequired();

// Every product endpoint is a FastEndpoints endpoint (Features/**); the probes stay plain routes.
app.UseReportServiceEndpoints();
app.MapHealthEndpoints();

app.Run();
return 0;
