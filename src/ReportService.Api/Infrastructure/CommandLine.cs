namespace ReportService.Api.Infrastructure;

/// <summary>
/// <c>--help</c>: what the command line does, printed before anything starts, so that asking for help never
/// starts the service, migrates a database or mints a token.
/// </summary>
internal static class CommandLine
{
    private static readonly string[] HelpArguments = ["--help", "-h", "-?", "/?"];

    public static bool WantsHelp(string[] args) => args.Any(HelpArguments.Contains);

    public const string Usage = """
        ReportService.Api: the 政府信息公开工作年度报告 service.

        Usage:
          ReportService.Api [--Key=Value ...]     serve HTTP (settings as configuration keys, e.g. --ConnectionStrings:Reports=...;
                                                  more usually the environment: ConnectionStrings__Reports, Auth__Authority, ...)
          ReportService.Api --migrate            apply the database migrations and seed the regions, then exit
                                                  (0: the schema is current; 1: it failed; one attempt)
          ReportService.Api --mint-token ...     print a development token signed with Auth:SigningKey, then exit
                                                  (--mint-token --help for its options)
          ReportService.Api --help               this text

        Every setting: docs/operations.md.
        """;

    public const string MintTokenUsage = """
        ReportService.Api --mint-token: print a development token signed with Auth:SigningKey (Auth__SigningKey), then exit.
        Production tokens come from the identity provider (Auth:Authority).

        Options:
          --scope "reports:write reports:read"   scopes, space- or comma-separated, repeatable (default: reports:read)
          --region 14                            region prefixes the token grants (repeatable; * for every region)
          --credit-code 11440000MB2C92873X       credit codes the token grants (repeatable)
          --subject alice                        the sub claim (default: developer)
          --client demo-client                   the client_id claim (default: development)
          --hours 8                              lifetime in hours (default: 8)
        """;
}
