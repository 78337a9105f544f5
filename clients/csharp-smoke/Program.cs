using ReportService.ClientSmoke;

// dotnet ReportService.ClientSmoke.dll kiota|nswag, with BASE_URL, TOKEN, FIXTURES_DIR and TOWNSHIP set
// (scripts/contract-check generates both clients from the committed document, builds and runs them).
return args switch
{
    ["nswag"] => await NSwagSmoke.RunAsync(),
    ["kiota"] => await KiotaSmoke.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ReportService.ClientSmoke kiota|nswag");
    return 2;
}

