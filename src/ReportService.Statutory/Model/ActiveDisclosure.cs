namespace ReportService.Statutory.Model;

/// <summary>规章 / 行政规范性文件 row, format 2021.</summary>
public sealed class DocumentCounts2021
{
    /// <summary>本年制发件数.</summary>
    public int? Issued { get; init; }

    /// <summary>本年废止件数.</summary>
    public int? Repealed { get; init; }

    /// <summary>现行有效件数.</summary>
    public int? InForce { get; init; }
}

/// <summary>A row counting 本年处理决定数量.</summary>
public sealed class DecisionCount
{
    /// <summary>本年处理决定数量 (decisions published and lawfully not published).</summary>
    public int? Decisions { get; init; }
}

/// <summary>行政事业性收费 row, format 2021.</summary>
public sealed class FeeAmount
{
    /// <summary>本年收费金额（单位：万元）: at most 6 decimals, stored exactly.</summary>
    public decimal? Amount { get; init; }
}

/// <summary>Table 2, 主动公开政府信息情况, format 2021.</summary>
public sealed class ActiveDisclosure2021
{
    /// <summary>第二十条第（一）项 规章.</summary>
    public DocumentCounts2021? Regulations { get; init; }

    /// <summary>第二十条第（一）项 行政规范性文件.</summary>
    public DocumentCounts2021? NormativeDocuments { get; init; }

    /// <summary>第二十条第（五）项 行政许可.</summary>
    public DecisionCount? Licensing { get; init; }

    /// <summary>第二十条第（六）项 行政处罚.</summary>
    public DecisionCount? Penalties { get; init; }

    /// <summary>第二十条第（六）项 行政强制.</summary>
    public DecisionCount? Coercion { get; init; }

    /// <summary>第二十条第（八）项 行政事业性收费.</summary>
    public FeeAmount? Fees { get; init; }
}

/// <summary>规章 / 规范性文件 row, format 2019.</summary>
public sealed class DocumentCounts2019
{
    /// <summary>本年新制作数量.</summary>
    public int? Created { get; init; }

    /// <summary>本年新公开数量.</summary>
    public int? Published { get; init; }

    /// <summary>对外公开总数量.</summary>
    public int? TotalPublished { get; init; }
}

/// <summary>A row of items and decisions, format 2019 (行政许可, 其他对外管理服务事项, 行政处罚, 行政强制).</summary>
public sealed class ItemCounts2019
{
    /// <summary>上一年项目数量.</summary>
    public int? ItemsLastYear { get; init; }

    /// <summary>本年增/减 (signed).</summary>
    public int? ItemsChange { get; init; }

    /// <summary>处理决定数量.</summary>
    public int? Decisions { get; init; }
}

/// <summary>行政事业性收费 row, format 2019.</summary>
public sealed class FeeItems2019
{
    /// <summary>上一年项目数量.</summary>
    public int? ItemsLastYear { get; init; }

    /// <summary>本年增/减 (signed).</summary>
    public int? ItemsChange { get; init; }
}

/// <summary>政府集中采购 row, format 2019.</summary>
public sealed class Procurement2019
{
    /// <summary>采购项目数量.</summary>
    public int? Projects { get; init; }

    /// <summary>采购总金额 (元): at most 6 decimals, stored exactly.</summary>
    public decimal? AmountYuan { get; init; }
}

/// <summary>Table 2, 主动公开政府信息情况, format 2019.</summary>
public sealed class ActiveDisclosure2019
{
    /// <summary>第二十条第（一）项 规章.</summary>
    public DocumentCounts2019? Regulations { get; init; }

    /// <summary>第二十条第（一）项 规范性文件.</summary>
    public DocumentCounts2019? NormativeDocuments { get; init; }

    /// <summary>第二十条第（五）项 行政许可.</summary>
    public ItemCounts2019? Licensing { get; init; }

    /// <summary>第二十条第（五）项 其他对外管理服务事项.</summary>
    public ItemCounts2019? OtherServices { get; init; }

    /// <summary>第二十条第（六）项 行政处罚.</summary>
    public ItemCounts2019? Penalties { get; init; }

    /// <summary>第二十条第（六）项 行政强制.</summary>
    public ItemCounts2019? Coercion { get; init; }

    /// <summary>第二十条第（八）项 行政事业性收费.</summary>
    public FeeItems2019? Fees { get; init; }

    /// <summary>第二十条第（九）项 政府集中采购.</summary>
    public Procurement2019? Procurement { get; init; }
}
