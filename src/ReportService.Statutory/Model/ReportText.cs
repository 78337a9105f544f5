namespace ReportService.Statutory.Model;

/// <summary>The three text sections of the report: 一、总体情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项.</summary>
public sealed class ReportText
{
    /// <summary>一、总体情况 (format 2021: in principle at most 1000 characters).</summary>
    public required string Overview { get; init; }

    /// <summary>五、存在的主要问题及改进情况.</summary>
    public required string ProblemsAndImprovements { get; init; }

    /// <summary>六、其他需要报告的事项 (format 2021: must report the 信息处理费 collected).</summary>
    public required string OtherMatters { get; init; }
}
