<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>@default</name>
    <message>
        <location filename="../gui/project.py" line="80"/>
        <source>Patches by suggestion</source>
        <translation>图斑（按判定建议）</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="84"/>
        <source>Patches (editable)</source>
        <translation>图斑（可编辑）</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="87"/>
        <source>Determinations</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="87"/>
        <source>Rectifications</source>
        <translation>整改记录</translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="55"/>
        <source>Not analysed</source>
        <translation>未分析</translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="87"/>
        <source>{table} cannot be read from {path}</source>
        <translation>无法从 {path} 读取 {table}</translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="93"/>
        <source>Patches coloured by legality suggestion</source>
        <translation>按合法性判定建议着色的图斑</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="305"/>
        <source>Weipian</source>
        <translation>卫片执法</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="60"/>
        <source>Open or create work store…</source>
        <translation>打开或新建工作库…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="61"/>
        <source>Import monitoring patches…</source>
        <translation>导入监测图斑…</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="53"/>
        <source>Not judged</source>
        <translation>未判定</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="75"/>
        <source>Satellite enforcement — {name}</source>
        <translation>卫片执法 — {name}</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="82"/>
        <source>Patches by determination</source>
        <translation>图斑（按判定结果）</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="93"/>
        <source>Reference layers</source>
        <translation>比对图层</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="105"/>
        <source>Imagery</source>
        <translation>影像</translation>
    </message>
    <message>
        <location filename="../gui/project.py" line="118"/>
        <source>The project could not be written into {path}: {error}</source>
        <translation>无法将工程写入 {path}：{error}</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="62"/>
        <source>Analyze patches…</source>
        <translation>内业比对分析…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="63"/>
        <source>Rule thresholds…</source>
        <translation>判定规则阈值…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="66"/>
        <source>Review patches</source>
        <translation>图斑审核</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="69"/>
        <source>Compare imagery</source>
        <translation>前后时相对比</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="72"/>
        <source>Daily enforcement</source>
        <translation>日常执法</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="75"/>
        <source>Save the work project into the store</source>
        <translation>将工作工程保存到工作库</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="77"/>
        <source>Open the store&apos;s work project</source>
        <translation>打开工作库中的工作工程</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="81"/>
        <source>Export ledger…</source>
        <translation>导出图斑台账…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="82"/>
        <source>Accountability statistics…</source>
        <translation>问责统计…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="83"/>
        <source>Report (HTML)…</source>
        <translation>统计报告（HTML）…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="291"/>
        <source>Open a work store first.</source>
        <translation>请先打开工作库。</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="282"/>
        <source>A shared store keeps no work project: its layers are added when it is opened; save a project of them as a file (Project → Save As).</source>
        <translation>共享工作库中不保存工作工程：打开共享工作库时会自动加载其图层；如需保存这些图层的工程，请用“项目 → 另存为”保存为工程文件。</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="296"/>
        <source>The work project was saved into {path}.</source>
        <translation>工作工程已保存到 {path}。</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="305"/>
        <source>This work store has no saved project yet.</source>
        <translation>该工作库中还没有保存的工程。</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="55"/>
        <source>&amp;Weipian</source>
        <translation>卫片执法(&amp;W)</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="87"/>
        <source>Military land register…</source>
        <translation>军用土地登记表…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="78"/>
        <source>Export overlay figures (套合图)…</source>
        <translation>导出套合图…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="85"/>
        <source>Import filled-in ledger…</source>
        <translation>导入填报后的图斑台账…</translation>
    </message>
    <message>
        <location filename="../dependencies.py" line="75"/>
        <source>Weipian needs Python packages that this QGIS lacks: {0}. Windows (QGIS installer or OSGeo4W): open &quot;OSGeo4W Shell&quot; from the Start menu, run python -m pip install --target &quot;{1}&quot; {0} and restart QGIS. Or install the plugin &quot;qpip&quot; from Plugins &gt; Manage and Install Plugins: it offers to install them into the same folder. Linux and macOS: the same pip command in a terminal, or your package manager.</source>
        <translation>卫片执法插件需要当前 QGIS 缺少的 Python 包：{0}。Windows（QGIS 安装包或 OSGeo4W）：从开始菜单打开“OSGeo4W Shell”，运行 python -m pip install --target &quot;{1}&quot; {0}，然后重启 QGIS。也可以在“插件 &gt; 管理并安装插件”中安装 qpip 插件，由它把这些包安装到同一文件夹。Linux 和 macOS：在终端运行同样的 pip 命令，或用系统的软件包管理器安装。</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="64"/>
        <source>Statistics and deadline settings…</source>
        <translation>统计与期限设置…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="80"/>
        <source>Export case files (一图斑一卷宗)…</source>
        <translation>导出一图斑一卷宗…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="84"/>
        <source>Monthly report (HTML)…</source>
        <translation>月度报告（HTML）…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="208"/>
        <source>All batches</source>
        <translation>全部批次</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="211"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="232"/>
        <source>Export ledger</source>
        <translation>导出图斑台账</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="245"/>
        <source>Export case files</source>
        <translation>导出一图斑一卷宗</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="310"/>
        <source>Export overlay figures</source>
        <translation>导出套合图</translation>
    </message>
</context>
<context>
    <name>AccountabilityAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/accountability.py" line="32"/>
        <source>Accountability ratio (Order No. 15)</source>
        <translation>问责比例（第15号令）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/accountability.py" line="35"/>
        <source>Computes illegally occupied cultivated land ÷ new construction land on cultivated land per township and for the county, before and after the deductions configured in the work store (supplementary approval, demolition and restoration, major infrastructure), with the threshold verdicts and the township ranking. An .xlsx output is the accountability workbook; an .html output is the printable report with charts.</source>
        <translation>按乡镇和全县计算“违法占用耕地面积 ÷ 新增建设用地占用耕地总面积”，分别给出按工作库中设置的扣减项（补办手续、拆除复耕、重大基础设施）扣减前后的比例，以及是否达到问责标准的结论和乡镇排名。输出为 .xlsx 时生成问责统计表；输出为 .html 时生成带图表、可打印的报告。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/accountability.py" line="44"/>
        <source>Workbook or report</source>
        <translation>统计表或报告</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/accountability.py" line="46"/>
        <source>Year (empty = every batch in the store)</source>
        <translation>年度（留空 = 工作库中全部批次）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/accountability.py" line="49"/>
        <source>County reaches accountability</source>
        <translation>全县达到问责标准</translation>
    </message>
</context>
<context>
    <name>AnalysisDialog</name>
    <message>
        <location filename="../gui/analysis_dialog.py" line="192"/>
        <source>Not a file: read feature by feature</source>
        <translation>非文件图层：逐要素读取</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="194"/>
        <source>Not registered: the first run copies it beside the store</source>
        <translation>未登记：首次运行时复制到工作库旁</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="196"/>
        <source>Registered {time} ({count} features)</source>
        <translation>已登记于 {time}（{count} 个要素）</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="199"/>
        <source>Changed since registered {time}: will be registered again</source>
        <translation>登记（{time}）后文件已变化：将重新登记</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="14"/>
        <source>Analyze patches</source>
        <translation>内业比对分析</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="30"/>
        <source>Reference layers (polygons; leave empty what you do not have)</source>
        <translation>比对图层（面图层；没有的留空）</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="40"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="62"/>
        <source>The analysis summary appears here.</source>
        <translation>分析结果摘要显示在这里。</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="71"/>
        <source>Rules…</source>
        <translation>判定规则…</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="85"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../forms/analysis_dialog.ui" line="98"/>
        <source>Cancel analysis</source>
        <translation>取消分析</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="102"/>
        <source>Work store: {path}</source>
        <translation>工作库：{path}</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="103"/>
        <source>All batches</source>
        <translation>全部批次</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="133"/>
        <source>Add a layer from a file to the project</source>
        <translation>从文件添加图层到工程</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="180"/>
        <source>Layers used last time could not be found:
{layers}</source>
        <translation>找不到上次使用的图层：
{layers}</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="205"/>
        <source>Add reference layer</source>
        <translation>添加比对图层</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="212"/>
        <source>{path} is not a readable polygon layer.</source>
        <translation>{path} 不是可读取的面图层。</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="246"/>
        <source>The Processing algorithm {id} is not available.</source>
        <translation>处理工具算法 {id} 不可用。</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="267"/>
        <source>Analysis cancelled; the work store is unchanged.</source>
        <translation>分析已取消，工作库未作任何改动。</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="278"/>
        <source>The analysis failed; see the Processing log.</source>
        <translation>分析失败，请查看处理工具日志。</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="282"/>
        <source>Analyzed {count} patches.</source>
        <translation>已分析 {count} 个图斑。</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="270"/>
        <source>Reference layers</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <location filename="../gui/analysis_dialog.py" line="270"/>
        <source>Analyse anyway? The problems will be recorded with the results and printed in the ledger and the report.</source>
        <translation>仍要分析吗？这些问题将随分析结果记录，并印在台账和报告中。</translation>
    </message>
</context>
<context>
    <name>AnalyzePatchesAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="95"/>
        <source>Analyze patches (overlay and legality suggestion)</source>
        <translation>内业比对分析（套合与合法性判定建议）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="98"/>
        <source>Overlays every patch on the reference layers given (areas ellipsoidal, overlapping approvals counted once), assigns townships, and writes a legality suggestion with its reason and basis. A re-run replaces suggestions and overlay results only; determinations are never touched. The layers chosen are remembered in the store.</source>
        <translation>将每个图斑与给定的比对图层套合（面积按椭球面积计算，相互重叠的批文只计一次），确定所属乡镇，并给出合法性判定建议及其理由和依据。重新运行只替换判定建议和套合结果，不会改动人工判定结果。所选图层会记录在工作库中。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="110"/>
        <source>Batch (empty = all)</source>
        <translation>批次（留空 = 全部）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="115"/>
        <source>Patches analyzed</source>
        <translation>已分析图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="159"/>
        <source>Analysis cancelled; the work store is unchanged.</source>
        <translation>分析已取消，工作库未作任何改动。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/analyze_patches.py" line="111"/>
        <source>Continue when a reference layer fails its checks (the problems are recorded with the results, in the ledger and the report)</source>
        <translation>参考图层检查有问题时仍继续分析（问题记入分析结果、台账和报告）</translation>
    </message>
</context>
<context>
    <name>AttachmentsPanel</name>
    <message>
        <location filename="../gui/review/attachments.py" line="84"/>
        <source>Add field photos or documents</source>
        <translation>添加外业照片或文件</translation>
    </message>
    <message>
        <location filename="../gui/review/attachments.py" line="109"/>
        <source>Export attachment to</source>
        <translation>将附件导出到</translation>
    </message>
    <message>
        <location filename="../gui/review/attachments.py" line="114"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../gui/review/attachments.py" line="122"/>
        <source>Remove attachment</source>
        <translation>移除附件</translation>
    </message>
    <message>
        <location filename="../gui/review/attachments.py" line="122"/>
        <source>Remove {name} from the work store?</source>
        <translation>从工作库中移除 {name}？</translation>
    </message>
</context>
<context>
    <name>BatchActions</name>
    <message>
        <location filename="../gui/review/batch_actions.py" line="30"/>
        <source>Record stage {stage}…</source>
        <translation>登记{stage}…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="33"/>
        <source>Export submitted snapshot…</source>
        <translation>导出已提交的快照…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="56"/>
        <source>Choose a batch (filter) or a patch first.</source>
        <translation>请先在筛选中选择批次，或选择一个图斑。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="58"/>
        <source>Record stage</source>
        <translation>登记上报阶段</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="58"/>
        <source>Record stage {stage} for batch {batch}? 一上 and 二上 lock the batch's determinations (result, type, category, areas); rectification and evidence can still be recorded all year. 一下 unlocks the determinations.</source>
        <translation>确定为批次 {batch} 记录 {stage}？一上和二上将锁定该批次的合法性判定（判定结果、类型、违法类别和面积）；查处整改和佐证材料全年仍可录入。一下解除判定锁定。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="113"/>
        <source>Export snapshot</source>
        <translation>导出快照</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="108"/>
        <source>Stage</source>
        <translation>办理阶段</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="113"/>
        <source>Snapshot (*.json)</source>
        <translation>快照 (*.json)</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="123"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="197"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="39"/>
        <source>Mark this patch as military land (涉军)…</source>
        <translation>将此图斑标记为涉军…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="40"/>
        <source>Remove the military land mark</source>
        <translation>取消涉军标记</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="135"/>
        <source>Military land</source>
        <translation>涉军图斑</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="135"/>
        <source>Patch {jcbh} will be left out of every ordinary export, figure, report and statistic and listed only in the military land register. Note (optional):</source>
        <translation>图斑 {jcbh} 将不出现在任何常规导出、图件、报告和统计中，只列入《军用土地登记表》。说明（可选）：</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="147"/>
        <source>Patch {jcbh} is marked as military land.</source>
        <translation>图斑 {jcbh} 已标记为涉军。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="160"/>
        <source>Patch {jcbh} is no longer marked as military land.</source>
        <translation>图斑 {jcbh} 已取消涉军标记。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="42"/>
        <source>Reviewer name…</source>
        <translation>审核人姓名…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="43"/>
        <source>Verify the record (audit log)…</source>
        <translation>校验修改记录（修改日志）…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="83"/>
        <source>Reviewer</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="83"/>
        <source>Your name, as the audit log of this work store will record your changes:</source>
        <translation>您的姓名（本工作库的修改日志将以此记录您的修改）：</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="98"/>
        <source>Verify the record</source>
        <translation>校验修改记录</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="35"/>
        <source>Overlay figure (套合图) of this patch…</source>
        <translation>本图斑套合图…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="36"/>
        <source>Overlay figures (套合图) of the listed patches…</source>
        <translation>列表中图斑的套合图…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="37"/>
        <source>Case file (一图斑一卷宗) of this patch…</source>
        <translation>本图斑一图斑一卷宗…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="169"/>
        <source>Overlay figure (套合图)</source>
        <translation>套合图</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="169"/>
        <source>PDF (*.pdf);;PNG image (*.png)</source>
        <translation>PDF (*.pdf);;PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="181"/>
        <source>Overlay figure written to {path}.</source>
        <translation>套合图已保存到 {path}。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="188"/>
        <source>Overlay figures (套合图)</source>
        <translation>套合图</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="197"/>
        <source>Writing overlay figures…</source>
        <translation>正在生成套合图…</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="204"/>
        <source>{n} overlay figures written to {path}.</source>
        <translation>已生成 {n} 张套合图，保存在 {path}。</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="212"/>
        <source>Case file (一图斑一卷宗)</source>
        <translation>一图斑一卷宗</translation>
    </message>
    <message>
        <location filename="../gui/review/batch_actions.py" line="226"/>
        <source>Case file written to {path}.</source>
        <translation>卷宗已保存到 {path}。</translation>
    </message>
</context>
<context>
    <name>CompareDock</name>
    <message>
        <location filename="../../forms/compare_dock.ui" line="14"/>
        <source>Before/after imagery</source>
        <translation>前后时相影像</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="35"/>
        <source>Before imagery</source>
        <translation>前时相影像</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="45"/>
        <source>After imagery</source>
        <translation>后时相影像</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="59"/>
        <source>Show the other imagery in the main map (T)</source>
        <translation>在主地图中显示另一期影像（T）</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="62"/>
        <source>Swap (T)</source>
        <translation>切换（T）</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="69"/>
        <source>Show the hidden imagery over the left part of the main map</source>
        <translation>在主地图左侧以卷帘方式显示被隐藏的一期影像</translation>
    </message>
    <message>
        <location filename="../../forms/compare_dock.ui" line="72"/>
        <source>Swipe</source>
        <translation>卷帘</translation>
    </message>
    <message>
        <location filename="../gui/compare_dock.py" line="147"/>
        <source>Swap before/after imagery</source>
        <translation>切换前后时相影像</translation>
    </message>
    <message>
        <location filename="../gui/compare_dock.py" line="225"/>
        <source>Main map: {main} · this view and the swipe: {other}</source>
        <translation>主地图：{main} · 本视图和卷帘：{other}</translation>
    </message>
</context>
<context>
    <name>EnforcementDock</name>
    <message>
        <location filename="../gui/enforcement_dock.py" line="520"/>
        <source>Daily enforcement</source>
        <translation>日常执法</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="45"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="51"/>
        <source>Import patrols or clues from the CSV or Excel template</source>
        <translation>从 CSV 或 Excel 模板导入巡查记录或线索</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="58"/>
        <source>Export workbook…</source>
        <translation>导出工作簿…</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="65"/>
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="78"/>
        <source>Patrol ledger</source>
        <translation>巡查台账</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="142"/>
        <source>Patrol</source>
        <translation>巡查记录</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="182"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="563"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="346"/>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="182"/>
        <source>Route</source>
        <translation>巡查路线</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="182"/>
        <source>People</source>
        <translation>巡查人员</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="182"/>
        <source>Findings</source>
        <translation>发现情况</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="209"/>
        <source>Stop measures</source>
        <translation>制止措施</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="219"/>
        <source>Handling opinion</source>
        <translation>处理意见</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="229"/>
        <source>Route on the map</source>
        <translation>地图上的路线</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="258"/>
        <source>Use map selection</source>
        <translation>取自地图选择</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="261"/>
        <source>Take the route or area from the features selected in the active layer</source>
        <translation>以当前图层中选中的要素作为巡查路线或范围</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="275"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="282"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="302"/>
        <source>Save patrol</source>
        <translation>保存巡查记录</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="311"/>
        <source>Findings of this patrol</source>
        <translation>本次巡查发现的问题</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="341"/>
        <source>Add finding from map selection</source>
        <translation>从地图选择添加发现的问题</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="348"/>
        <source>Add photos…</source>
        <translation>添加照片…</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="379"/>
        <source>Clues</source>
        <translation>线索</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="399"/>
        <source>Overdue only</source>
        <translation>仅显示逾期</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="426"/>
        <source>Holidays…</source>
        <translation>节假日…</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="429"/>
        <source>The holiday list and make-up working days used for working-day deadlines</source>
        <translation>计算工作日期限所用的节假日和调休上班日</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="484"/>
        <source>Status</source>
        <translation>办理情况</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="500"/>
        <source>Stop notice</source>
        <translation>责令停止通知</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="514"/>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="528"/>
        <source>Major-violation report</source>
        <translation>重大违法报告</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="542"/>
        <source>Case filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="556"/>
        <source>Case closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="570"/>
        <source>Extension (working days)</source>
        <translation>延期（工作日）</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="584"/>
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="593"/>
        <source>Illegal mining</source>
        <translation>非法采矿</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="600"/>
        <source>Major case</source>
        <translation>重大案件</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="603"/>
        <source>Mark as major even below the area thresholds</source>
        <translation>未达到面积标准也标为重大案件</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="643"/>
        <source>Save status</source>
        <translation>保存办理情况</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="658"/>
        <source>Grading</source>
        <translation>考核评价</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="678"/>
        <source>Match clues within</source>
        <translation>线索匹配距离</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="685"/>
        <source> m</source>
        <translation> 米</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="698"/>
        <source>Overlap only</source>
        <translation>仅限重叠</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="718"/>
        <source>Grade</source>
        <translation>评价</translation>
    </message>
    <message>
        <location filename="../../forms/enforcement_dock.ui" line="756"/>
        <source>Illegal patches daily enforcement did not find first</source>
        <translation>日常执法未先行发现的违法图斑</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="90"/>
        <source>Patrol ledger…</source>
        <translation>巡查台账…</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="91"/>
        <source>Clues…</source>
        <translation>线索…</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="141"/>
        <source>No work store is open.</source>
        <translation>未打开工作库。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="183"/>
        <source>Points</source>
        <translation>发现问题数</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="210"/>
        <source>drawn</source>
        <translation>已绘制</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="220"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="235"/>
        <source>Patrol saved.</source>
        <translation>巡查记录已保存。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="241"/>
        <source>Delete patrol</source>
        <translation>删除巡查记录</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="241"/>
        <source>Delete this patrol with its findings and photos?</source>
        <translation>删除这条巡查记录及其发现的问题和照片？</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="253"/>
        <source>Select features in a vector layer first.</source>
        <translation>请先在矢量图层中选择要素。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="264"/>
        <source>{kind} from the map (save to keep)</source>
        <translation>取自地图的 {kind}（保存后生效）</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="273"/>
        <source>{kind}: {text} ({n} photos)</source>
        <translation>{kind}：{text}（{n} 张照片）</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="284"/>
        <source>Finding</source>
        <translation>发现的问题</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="284"/>
        <source>Description</source>
        <translation>情况描述</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="298"/>
        <source>Add photos</source>
        <translation>添加照片</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="298"/>
        <source>Photos (*.jpg *.jpeg *.png);;All files (*)</source>
        <translation>照片 (*.jpg *.jpeg *.png);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="346"/>
        <source>Clue</source>
        <translation>线索编号</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="346"/>
        <source>Source</source>
        <translation>线索来源</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="346"/>
        <source>Discovered</source>
        <translation>发现日期</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="346"/>
        <source>Stage</source>
        <translation>办理阶段</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="347"/>
        <source>Next due</source>
        <translation>下一期限</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="347"/>
        <source>Overdue</source>
        <translation>逾期事项</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="347"/>
        <source>Major</source>
        <translation>重大违法</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="366"/>
        <source>{n} clues, {overdue} overdue, {major} major</source>
        <translation>线索 {n} 条，逾期 {overdue} 条，重大 {major} 条</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="409"/>
        <source>, {mu:.2f} mu</source>
        <translation>，{mu:.2f} 亩</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="436"/>
        <source>Clue saved.</source>
        <translation>线索已保存。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="450"/>
        <source>Holidays</source>
        <translation>节假日</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="442"/>
        <source>One date or range per line (2026-10-01~2026-10-07); &apos;+&apos; marks a make-up working day.</source>
        <translation>每行一个日期或日期范围（如 2026-10-01~2026-10-07）；行首加 '+' 表示调休上班日。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="486"/>
        <source>{n} illegal satellite patches; daily enforcement found {found} of them first.</source>
        <translation>卫片违法图斑 {n} 个，其中日常执法先行发现 {found} 个。</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="502"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="494"/>
        <source>CSV or Excel (*.csv *.xlsx);;All files (*)</source>
        <translation>CSV 或 Excel 文件 (*.csv *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="511"/>
        <source>Export workbook</source>
        <translation>导出工作簿</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="511"/>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="520"/>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="315"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="316"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="318"/>
        <source>No photos yet</source>
        <translation>尚无照片</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="326"/>
        <source>Remove photo</source>
        <translation>移除照片</translation>
    </message>
    <message>
        <location filename="../gui/enforcement_dock.py" line="326"/>
        <source>Remove {name} from the work store?</source>
        <translation>从工作库中移除 {name}？</translation>
    </message>
</context>
<context>
    <name>ExportDossierAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="32"/>
        <source>Export case files (一图斑一卷宗)</source>
        <translation>导出一图斑一卷宗</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="35"/>
        <source>Writes one folder per patch named after its JCBH: 00_目录.pdf (index), 01_套合图.pdf (the overlay figure), 02_现场照片.pdf (each photo beside a small map with the patch, where it was taken and an arrow for its bearing), 03_判定与查处记录.pdf (determination, 查处整改 and every recorded change) and 照片/ with the original files. Imagery defaults to the store's before/after rasters.</source>
        <translation>每个图斑一个文件夹，以监测编号命名：00_目录.pdf（卷宗目录）、01_套合图.pdf、02_现场照片.pdf（每张照片旁附小图，标出图斑、拍摄位置和表示拍摄方向的箭头）、03_判定与查处记录.pdf（合法性判定、查处整改及全部修改记录），以及存放原始文件的“照片/”文件夹。影像默认使用工作库中设置的前、后时相影像。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="47"/>
        <source>Batch (empty = all patches)</source>
        <translation>批次（留空 = 全部图斑）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="49"/>
        <source>Only these JCBH (comma separated, empty = all of the batch)</source>
        <translation>仅这些监测编号（逗号分隔，留空 = 批次内全部）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="51"/>
        <source>Before imagery (empty = the store&apos;s)</source>
        <translation>前时相影像（留空 = 使用工作库中的）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="53"/>
        <source>After imagery (empty = the store&apos;s)</source>
        <translation>后时相影像（留空 = 使用工作库中的）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="55"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="56"/>
        <source>Case files written</source>
        <translation>已写出卷宗数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="81"/>
        <source>Export cancelled; {} case file(s) were written.</source>
        <translation>导出已取消，已写出 {} 份卷宗。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_dossier.py" line="83"/>
        <source>{} case file(s) written to {}</source>
        <translation>已写出 {} 份卷宗到 {}</translation>
    </message>
</context>
<context>
    <name>ExportFiguresAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="54"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="56"/>
        <source>Before imagery</source>
        <translation>前时相影像</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="58"/>
        <source>After imagery</source>
        <translation>后时相影像</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="60"/>
        <source>Batch (empty = all patches)</source>
        <translation>批次（留空 = 全部图斑）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="62"/>
        <source>One combined PDF instead of one file per patch</source>
        <translation>合并为一个 PDF（不按图斑分文件）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="67"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="68"/>
        <source>Files written</source>
        <translation>已写出文件数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="86"/>
        <source>Export cancelled; {} file(s) were written.</source>
        <translation>导出已取消，已写出 {} 个文件。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="88"/>
        <source>{} file(s) written to {}</source>
        <translation>已写出 {} 个文件到 {}</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="36"/>
        <source>Export overlay figures (套合图)</source>
        <translation>导出套合图</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="39"/>
        <source>Writes the overlay figure (套合图) of every patch (or of one batch): before and after imagery side by side with their dates, the patch outline and the reference layers of the last analysis, a legend of every drawn layer, scale bar, north arrow, a title with JCBH, township, issued and computed area, a table of overlay results, suggestion and determination, the suggestion's reason, the CRS in Chinese, the mapping unit, the reviewer and a signature line. One file per patch named after its JCBH, or one combined PDF. The layout is the plugin's template exporters/templates/archive_figure.qpt, editable in the layout designer.</source>
        <translation>为每个图斑（或某一批次的图斑）输出套合图：前、后时相影像及其日期并排，叠加图斑边界和上次分析所用的比对图层，图例列出所有绘制的图层，配比例尺、指北针；标题含监测编号、乡镇、下发面积和计算面积，并附套合结果、比对建议和判定结果表、建议理由、中文坐标系名称、制图单位、审核人及签字栏。每个图斑一个文件，以监测编号命名；也可合并为一个 PDF。版式为插件模板 exporters/templates/archive_figure.qpt，可在布局设计器中修改。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_figures.py" line="64"/>
        <source>Mapping unit (empty = the one saved in the store; a value given is saved)</source>
        <translation>制图单位（留空 = 使用工作库中保存的；填写则保存）</translation>
    </message>
</context>
<context>
    <name>ExportLedgerAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="27"/>
        <source>Export patch ledger (Excel)</source>
        <translation>导出图斑台账（Excel）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="30"/>
        <source>Writes the patch ledger (图斑台账) as an Excel workbook: one row per patch with the overlay results, suggestion, determination, illegal areas, case and rectification status, in mu to two decimals under Chinese two-row headers, with a totals row; one sheet or one per batch. Adds the new-construction summary by township and the progress of the latest month.</source>
        <translation>将图斑台账导出为 Excel 工作簿：每个图斑一行，包括套合结果、判定建议、判定结果、违法面积、立案和整改情况；面积以亩为单位、保留两位小数，采用两行中文表头，并有合计行；可全部放在一个工作表，也可每个批次一个工作表。另附按乡镇汇总的新增建设用地统计汇总表和最近一个月的进度。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="38"/>
        <source>Ledger workbook</source>
        <translation>台账工作簿</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="40"/>
        <source>Only this batch (empty = all)</source>
        <translation>仅导出该批次（留空 = 全部）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="42"/>
        <source>One sheet per batch</source>
        <translation>每个批次一个工作表</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="60"/>
        <source>Export cancelled; no file was written.</source>
        <translation>导出已取消，未写出文件。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_ledger.py" line="44"/>
        <source>Year (empty = every year, one summary sheet each)</source>
        <translation>年度（留空 = 全部年度，每年一张汇总表）</translation>
    </message>
</context>
<context>
    <name>ExportMilitaryAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="41"/>
        <source>Military land register (Excel)</source>
        <translation>军用土地登记表（Excel）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="44"/>
        <source>Writes the military land register (军用土地登记表): every patch marked as military land (涉军), which every other export, figure, report and statistic leaves out; it is handed in separately. With a military-land layer, every patch overlapping it is marked first (audited).</source>
        <translation>导出《军用土地登记表》：所有标记为涉军的图斑。其他所有导出、图件、报告和统计均不包含涉军图斑，本表单独上报。若提供军用土地图层，先将与其重叠的图斑标记为涉军（记入修改日志）。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="51"/>
        <source>Military land layer (optional)</source>
        <translation>军用土地图层（可选）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="54"/>
        <source>Register workbook</source>
        <translation>登记表工作簿</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="59"/>
        <source>Patches newly marked</source>
        <translation>新标记的图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="60"/>
        <source>Patches in the register</source>
        <translation>登记表中的图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_military.py" line="56"/>
        <source>Year (empty = every year)</source>
        <translation>年度（留空 = 全部年度）</translation>
    </message>
</context>
<context>
    <name>ExportReportAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="31"/>
        <source>Statistics report (HTML)</source>
        <translation>统计报告（HTML）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="34"/>
        <source>Writes the printable HTML report: patches and determinations, illegal land, rectification, the Order No. 15 ratio with its charts, the township ranking, overdue determinations and daily enforcement. With a month (YYYY-MM) it is the monthly progress report and adds that month&apos;s progress table. Overdue days are counted as of the given date (empty = today). Long lists are summarised; the ledger and the daily-enforcement workbooks list them in full.</source>
        <translation>生成可打印的 HTML 报告：图斑与判定、违法用地、整改、第15号令问责比例及图表、乡镇排名、逾期未判定和日常执法评价。填写月份（YYYY-MM）即为月度进度报告，并附该月进度表。逾期天数按“截至日期”计算（留空 = 今天）。长清单只列汇总，完整清单见图斑台账和日常执法评价工作簿。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="43"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="44"/>
        <source>Year (empty = every batch in the store)</source>
        <translation>年度（留空 = 工作库中全部批次）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="47"/>
        <source>Month YYYY-MM (monthly report; empty = none)</source>
        <translation>月份 YYYY-MM（月度报告；留空 = 不生成月度进度）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="49"/>
        <source>As of date YYYY-MM-DD (empty = today)</source>
        <translation>截至日期 YYYY-MM-DD（留空 = 今天）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_report.py" line="74"/>
        <source>Report written to {}</source>
        <translation>报告已写出：{}</translation>
    </message>
</context>
<context>
    <name>ExportStoreAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="31"/>
        <source>Offline snapshot of a shared store (export and return)</source>
        <translation>共享工作库离线快照（导出与回传）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="34"/>
        <source>Export: copies the shared PostGIS store, as it stands at one moment, into a new GeoPackage for offline field work (its audit log and hash chain included). Return: applies what was changed in such a snapshot — determinations, rectification records and photos — to the shared store through the same audited, version-checked saves as the review dock. A record someone changed on the server since the export is not overwritten: it is listed as a conflict with both values, to be decided in the review dock. Give either the snapshot to create or the snapshot to return.</source>
        <translation>导出：把共享的 PostGIS 工作库在某一时刻的状态复制为一个新的 GeoPackage，供离线外业使用（含修改日志及其哈希链）。回传：把在快照中所做的修改（判定、查处整改记录和照片）通过与审核面板相同的、记入修改日志并核对版本的保存写回共享工作库。导出后已在服务器上被他人修改的记录不会被覆盖，而是作为冲突列出双方的值，请在审核面板中决定。导出的快照文件与要回传的快照只填一项。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="43"/>
        <source>Shared store (PostgreSQL address)</source>
        <translation>共享工作库（PostgreSQL 地址）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="44"/>
        <source>Export a snapshot to</source>
        <translation>导出快照到</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="46"/>
        <source>Return the changes of snapshot</source>
        <translation>回传此快照中的修改</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="48"/>
        <source>Rows exported</source>
        <translation>导出的行数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="49"/>
        <source>Changes returned</source>
        <translation>已回传的修改</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/export_store.py" line="50"/>
        <source>Conflicts left for review</source>
        <translation>待审核处理的冲突</translation>
    </message>
</context>
<context>
    <name>GradeEnforcementAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="33"/>
        <source>Grade daily enforcement</source>
        <translation>日常执法考核评价</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="36"/>
        <source>Writes the daily-enforcement workbook: the patrol ledger; every clue's deadlines in working days (weekends and the store's holiday list), overdue ones highlighted, major violations flagged for the 5-day report; and per township the discovery rate (violations found by daily enforcement ÷ all violations, satellite and daily), stop rate (stopped ÷ found), filing rate (filed ÷ those that must be filed) and closing rate (closed ÷ filed) against the 95 % / 90 % targets — a satellite patch is found when a clue on or near it was discovered by its after-date, and its own case record counts — with the formulas and the patches it did not find.</source>
        <translation>导出日常执法工作簿：巡查台账；每条线索按工作日（扣除周末和工作库中的节假日）计算的办理期限，逾期的突出显示，重大违法标出需在 5 日内报告；以及各乡镇的发现率（日常执法发现的违法行为 ÷ 全部违法行为，含卫片与日常执法）、制止率（已制止 ÷ 发现）、立案率（已立案 ÷ 应立案）和结案率（已结案 ÷ 已立案），对照 95% / 90% 的目标——图斑上或附近有发现日期不晚于后时相的线索即为日常执法发现，图斑自身的查处记录也计入——并列出计算公式和日常执法未先发现的图斑。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="47"/>
        <source>Workbook</source>
        <translation>工作簿</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="49"/>
        <source>Deadlines as of (empty = today)</source>
        <translation>期限计算截至日期（留空 = 今天）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="54"/>
        <source>Illegal satellite patches</source>
        <translation>卫片违法图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="55"/>
        <source>Found first by daily enforcement</source>
        <translation>日常执法先行发现数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="56"/>
        <source>Overdue clues</source>
        <translation>逾期线索数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/grade_enforcement.py" line="51"/>
        <source>Year (empty = every patch and clue in the store)</source>
        <translation>年度（留空 = 工作库中全部图斑和线索）</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../forms/import_dialog.ui" line="14"/>
        <source>Import monitoring patches</source>
        <translation>导入监测图斑</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="25"/>
        <source>Patch shapefile</source>
        <translation>图斑 Shapefile 文件</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="35"/>
        <source>Work store</source>
        <translation>工作库</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="52"/>
        <source>Batch name</source>
        <translation>批次名称</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="62"/>
        <source>Received on</source>
        <translation>接收日期</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="69"/>
        <source>yyyy-MM-dd</source>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="79"/>
        <source>Encoding</source>
        <translation>字符编码</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="115"/>
        <source>Field mapping</source>
        <translation>字段对应</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="141"/>
        <source>Patch field</source>
        <translation>图斑字段</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="146"/>
        <source>Field in the file</source>
        <translation>文件中的字段</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="167"/>
        <source>The import summary appears here.</source>
        <translation>导入结果摘要显示在这里。</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="176"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="189"/>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="51"/>
        <source>ESRI Shapefile</source>
        <translation>ESRI Shapefile 文件</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="58"/>
        <source>Detect automatically</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="105"/>
        <source>(not mapped)</source>
        <translation>（不对应）</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="157"/>
        <source>Choose an existing work store or type the name of a new one.</source>
        <translation>请选择已有的工作库，或输入新工作库的名称。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="159"/>
        <source>Existing work store: the batch is added to it or updated.</source>
        <translation>已有工作库：该批次将添加到库中，已有的则更新。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="161"/>
        <source>A new work store will be created, in the projected CGCS2000 zone of the patches.</source>
        <translation>将新建工作库，采用图斑所在的 CGCS2000 投影分带。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="176"/>
        <source>Cannot read the file: {error}</source>
        <translation>无法读取文件：{error}</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="179"/>
        <source>Detected: {description}</source>
        <translation>识别结果：{description}</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="203"/>
        <source>Detected preset: {preset}. Check and correct the mapping below.</source>
        <translation>识别到的预设：{preset}。请检查并修正下面的字段对应。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="203"/>
        <source>custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="228"/>
        <source>Choose the patch shapefile.</source>
        <translation>请选择图斑 Shapefile 文件。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="231"/>
        <source>Choose the work store.</source>
        <translation>请选择工作库。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="235"/>
        <source>The Processing algorithm {id} is not available.</source>
        <translation>处理工具算法 {id} 不可用。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="284"/>
        <source>Import cancelled; the work store is unchanged.</source>
        <translation>导入已取消，工作库未作任何改动。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="287"/>
        <source>The import failed; see the Processing log.</source>
        <translation>导入失败，请查看处理工具日志。</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="292"/>
        <source>Imported {imported} patches, rejected {rejected}.</source>
        <translation>已导入 {imported} 个图斑，拒收 {rejected} 个。</translation>
    </message>
    <message>
        <location filename="../../forms/import_dialog.ui" line="96"/>
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="62"/>
        <source>From the .prj or the coordinates</source>
        <translation>按 .prj 或坐标判断</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="152"/>
        <source>Choose the coordinate system: {error}</source>
        <translation>请选择坐标系：{error}</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="260"/>
        <source>Same file</source>
        <translation>同一文件</translation>
    </message>
    <message>
        <location filename="../gui/import_dialog.py" line="260"/>
        <source>This file was already imported as batch {batch}. Importing it again under another name would count every patch twice. Update batch {batch} instead?</source>
        <translation>该文件已作为批次“{batch}”导入。以其他批次名再次导入会使每个图斑重复计算。改为更新批次“{batch}”吗？</translation>
    </message>
</context>
<context>
    <name>ImportEnforcementAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="24"/>
        <source>Import patrols and clues</source>
        <translation>导入巡查记录和线索</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="27"/>
        <source>Imports the patrol ledger and the clues (tips from patrols, the 12336 hotline, WeChat) from the CSV (UTF-8 or GBK) or Excel template with Chinese column headers. Positions are X/Y in the store&apos;s CRS, longitude/latitude, or WKT. Nothing is written when any row is wrong; every bad row is listed. Clues already in the store (same number) are filled in, never erased; identical patrols are skipped.</source>
        <translation>从带中文列标题的 CSV（UTF-8 或 GBK）或 Excel 模板导入巡查台账和线索（巡查发现、12336 举报电话、微信举报）。位置可以是工作库坐标系下的 X/Y、经纬度或 WKT。只要有一行有误就不写入任何数据，并列出所有出错的行。工作库中已有的线索（编号相同）只补充、不清除已有内容；完全相同的巡查记录会跳过。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="35"/>
        <source>Patrol ledger (CSV or Excel)</source>
        <translation>巡查台账（CSV 或 Excel）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="37"/>
        <source>Clues (CSV or Excel)</source>
        <translation>线索（CSV 或 Excel）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="39"/>
        <source>Patrols added</source>
        <translation>新增巡查记录数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="40"/>
        <source>Clues added</source>
        <translation>新增线索数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="41"/>
        <source>Clues updated</source>
        <translation>更新线索数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="47"/>
        <source>Choose a patrol ledger, a clue table, or both.</source>
        <translation>请选择巡查台账、线索表，或两者都选。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_enforcement.py" line="56"/>
        <source>Import cancelled; the work store is unchanged.</source>
        <translation>导入已取消，工作库未作任何改动。</translation>
    </message>
</context>
<context>
    <name>ImportPatchesAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="37"/>
        <source>Import monitoring patches</source>
        <translation>导入监测图斑</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="40"/>
        <source>Imports a patch shapefile issued by the ministry into the work store (a GeoPackage is created when missing; a shared PostgreSQL store must exist). Encoding, CRS and field mapping are detected unless given. Invalid geometries are repaired; empty, non-polygon, duplicate or id-less patches are rejected with a reason. Re-importing a batch updates its patches in place and keeps every determination.</source>
        <translation>将部下发的监测图斑 Shapefile 导入工作库（GeoPackage 工作库不存在时自动新建；共享的 PostgreSQL 工作库须已存在）。未指定时自动识别字符编码、坐标系和字段对应。无效几何会自动修复；空几何、非面、重复或无监测编号的图斑将被拒收并注明原因。重新导入同一批次时就地更新其图斑，已有判定结果全部保留。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="48"/>
        <source>Patch shapefile</source>
        <translation>图斑 Shapefile 文件</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="51"/>
        <source>Batch name (empty = file name)</source>
        <translation>批次名称（留空 = 文件名）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="53"/>
        <source>Received date (empty = today)</source>
        <translation>接收日期（留空 = 今天）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="55"/>
        <source>Encoding (empty = detect)</source>
        <translation>字符编码（留空 = 自动识别）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="57"/>
        <source>Field mapping, e.g. jcbh=TBBH;hsx=HSX (empty = detect)</source>
        <translation>字段对应，如 jcbh=TBBH;hsx=HSX（留空 = 自动识别）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="62"/>
        <source>Patches imported</source>
        <translation>已导入图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="63"/>
        <source>Patches rejected</source>
        <translation>拒收图斑数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="92"/>
        <source>Import cancelled; the work store is unchanged.</source>
        <translation>导入已取消，工作库未作任何改动。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="60"/>
        <source>Coordinate system of the file (empty = from .prj or coordinates)</source>
        <translation>文件的坐标系（留空 = 按 .prj 或坐标判断）</translation>
    </message>
</context>
<context>
    <name>ImportRecordsAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="29"/>
        <source>Import filled-in patch ledger</source>
        <translation>导入填报后的图斑台账</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="32"/>
        <source>Reads a patch ledger that township offices filled in (the Excel workbook the ledger export writes, or a CSV with the same headers) and updates determinations and rectification records from it, audited like edits in the review dock. Only cells that differ from what the ledger shows for the store now are changed. After 一上/二上 a rectification is applied while a change of the locked determination is refused. Every row's outcome — applied, unchanged or refused with the reason (locked, unknown JCBH, invalid value) — is listed in the log and the optional report workbook.</source>
        <translation>读取乡镇填报后交回的图斑台账（图斑台账导出的 Excel 工作簿，或表头相同的 CSV），据此更新合法性判定和查处整改记录，与在审核面板中修改一样记入修改日志。只修改与工作库当前台账显示不同的单元格。一上/二上之后，查处整改照常导入，而对已锁定判定的修改会被拒绝。每一行的结果（已导入、未变化，或拒绝及原因：已锁定、监测编号不存在、数值无效）列在日志和可选的导入结果工作簿中。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="42"/>
        <source>Filled-in ledger (xlsx or csv)</source>
        <translation>填报后的台账（xlsx 或 csv）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="44"/>
        <source>Import report (optional)</source>
        <translation>导入结果（可选）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="47"/>
        <source>Parts applied</source>
        <translation>已导入项数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_records.py" line="48"/>
        <source>Parts refused</source>
        <translation>拒绝项数</translation>
    </message>
</context>
<context>
    <name>MapSync</name>
    <message>
        <location filename="../gui/review/map_sync.py" line="116"/>
        <source>Click points across patch {jcbh}; right-click or Enter to split, Esc to cancel.</source>
        <translation>在图斑 {jcbh} 上依次单击画出拆分线；右键或回车执行拆分，Esc 取消。</translation>
    </message>
</context>
<context>
    <name>PatchTableModel</name>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>JCBH</source>
        <translation>监测编号</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Area (mu)</source>
        <translation>面积（亩）</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Suggestion</source>
        <translation>判定建议</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Determination</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../gui/review/patch_list.py" line="45"/>
        <source>Due</source>
        <translation>判定期限</translation>
    </message>
</context>
<context>
    <name>PublishStoreAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="27"/>
        <source>Publish work store to PostGIS</source>
        <translation>发布工作库到 PostGIS</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="30"/>
        <source>Copies a GeoPackage work store, every row as it is, into a new shared store in a PostgreSQL database with PostGIS (the target must not hold a store yet). The audit log and its hash chain are carried over, so weipian:verifystore passes on the target as on the source; a source whose record is broken is refused. The new store appears only complete: a failure or a cancel leaves the database as it was. The target is a PostgreSQL address: postgresql:service=… (pg_service.conf) or postgresql:dbname=… host=… user=…; passwords come from .pgpass or the service file.</source>
        <translation>把 GeoPackage 工作库逐行原样复制到装有 PostGIS 的 PostgreSQL 数据库中，成为新的共享工作库（目标数据库中不能已有工作库）。修改日志及其哈希链一并带过去，因此目标上的 weipian:verifystore 与源工作库一样通过；修改记录有断裂的源工作库拒绝发布。新工作库只在完整时出现：失败或取消时数据库保持原样。目标为 PostgreSQL 地址：postgresql:service=…（pg_service.conf）或 postgresql:dbname=… host=… user=…；密码来自 .pgpass 或服务文件。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="39"/>
        <source>Work store (GeoPackage)</source>
        <translation>工作库（GeoPackage）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="41"/>
        <source>Target store (PostgreSQL address)</source>
        <translation>目标工作库（PostgreSQL 地址）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="42"/>
        <source>Rows copied</source>
        <translation>复制的行数</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/publish_store.py" line="43"/>
        <source>Record intact on the target</source>
        <translation>目标上修改记录完整</translation>
    </message>
</context>
<context>
    <name>RecordInterviewAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="29"/>
        <source>Record a township interview (约谈)</source>
        <translation>记录乡镇警示约谈</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="32"/>
        <source>Records a warning interview (警示约谈) of a township: who was interviewed, by whom, when and why, with the minutes file stored in the work store. The accountability workbook lists the records of its year.</source>
        <translation>记录对乡镇的警示约谈：约谈了谁、由谁约谈、时间和事由，约谈纪要文件存入工作库。问责统计表列出当年的约谈记录。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="39"/>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="40"/>
        <source>Township code</source>
        <translation>乡镇代码</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="41"/>
        <source>Date of the interview</source>
        <translation>约谈日期</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="42"/>
        <source>Interviewed (names, posts)</source>
        <translation>被约谈人（姓名、职务）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="43"/>
        <source>Interviewed by</source>
        <translation>约谈人</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="44"/>
        <source>Reason</source>
        <translation>约谈事由</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="45"/>
        <source>Minutes (file)</source>
        <translation>约谈纪要（文件）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/record_interview.py" line="46"/>
        <source>Record id</source>
        <translation>记录编号</translation>
    </message>
</context>
<context>
    <name>ReviewDock</name>
    <message>
        <location filename="../gui/review_dock.py" line="429"/>
        <source>{land} · mining: {mining}</source>
        <translation>{land} · 矿产：{mining}</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="550"/>
        <source>Patch review</source>
        <translation>图斑审核</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="160"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="52"/>
        <source>Township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="273"/>
        <source>Suggestion</source>
        <translation>判定建议</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="327"/>
        <source>Determination</source>
        <translation>合法性判定</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="875"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="80"/>
        <source>Overdue only</source>
        <translation>仅显示逾期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="87"/>
        <source>Search by JCBH…</source>
        <translation>按监测编号搜索…</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="101"/>
        <source>Previous patch (K, Ctrl+Up)</source>
        <translation>上一个图斑（K，Ctrl+Up）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="104"/>
        <source>Previous</source>
        <translation>上一个</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="111"/>
        <source>Next patch (J, Ctrl+Down)</source>
        <translation>下一个图斑（J，Ctrl+Down）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="114"/>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="121"/>
        <source>Next patch without a determination (N, Ctrl+Shift+Down)</source>
        <translation>下一个未判定的图斑（N，Ctrl+Shift+Down）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="124"/>
        <source>Next unjudged</source>
        <translation>下一个未判定</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="144"/>
        <source>Split the selected patch</source>
        <translation>拆分选中的图斑</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="147"/>
        <source>Split</source>
        <translation>拆分</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="157"/>
        <source>Stage locks and snapshots of a batch</source>
        <translation>批次的上报阶段锁定和提交快照</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="170"/>
        <source>Reload the patch list from the work store</source>
        <translation>从工作库重新读取图斑列表</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="173"/>
        <source>Reload</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="267"/>
        <source>Suggestion from the analysis (read-only)</source>
        <translation>分析给出的判定建议（只读）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="905"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="304"/>
        <source>Basis</source>
        <translation>依据</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="333"/>
        <source>Result</source>
        <translation>判定结果</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="343"/>
        <source>Subtype</source>
        <translation>具体类型</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="353"/>
        <source>Grounds for the determination</source>
        <translation>判定依据</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="373"/>
        <source>Document numbers</source>
        <translation>文号</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="383"/>
        <source>Violation category</source>
        <translation>违法类别</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="393"/>
        <source>Violation type</source>
        <translation>违法类型</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="403"/>
        <source>Converted to non-agricultural use</source>
        <translation>属于非农化</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="410"/>
        <source>New house built on cultivated land</source>
        <translation>属于新增乱占耕地建房</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="417"/>
        <source>Illegal area (mu)</source>
        <translation>违法面积（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="755"/>
        <source>of which cultivated (mu)</source>
        <translation>其中耕地（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="451"/>
        <source>of which basic farmland (mu)</source>
        <translation>其中永久基本农田（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="468"/>
        <source>Project name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="478"/>
        <source>Offender</source>
        <translation>违法主体</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="488"/>
        <source>Time of construction</source>
        <translation>建设时间</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="498"/>
        <source>Reviewer</source>
        <translation>判定人</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="537"/>
        <source>Save the suggestion as the determination (A, Ctrl+Return)</source>
        <translation>将判定建议保存为判定结果（A，Ctrl+Return）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="133"/>
        <source>Accept suggestion</source>
        <translation>采纳建议</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="957"/>
        <source>Revert</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="567"/>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="577"/>
        <source>Rectification</source>
        <translation>查处整改</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="612"/>
        <source>Case</source>
        <translation>立案查处</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="618"/>
        <source>Case filing</source>
        <translation>是否立案</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="628"/>
        <source>Filing date</source>
        <translation>立案日期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="638"/>
        <source>Case number</source>
        <translation>立案编号</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="648"/>
        <source>Reason for not filing</source>
        <translation>不予立案理由</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="658"/>
        <source>Penalty decision</source>
        <translation>处罚决定</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="668"/>
        <source>Fine (yuan)</source>
        <translation>罚款（元）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="688"/>
        <source>Measures</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="694"/>
        <source>Demolished (mu)</source>
        <translation>拆除面积（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="711"/>
        <source>Restored to farming (mu)</source>
        <translation>复耕面积（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="728"/>
        <source>Supplementary approval document</source>
        <translation>补办手续文号</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="738"/>
        <source>Supplementary approval area (mu)</source>
        <translation>补办手续面积（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="772"/>
        <source>Confiscated (mu)</source>
        <translation>没收面积（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="789"/>
        <source>Transferred to</source>
        <translation>移交部门</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="799"/>
        <source>Transfer date</source>
        <translation>移交日期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="809"/>
        <source>Case closed on</source>
        <translation>结案日期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="869"/>
        <source>Write-off</source>
        <translation>销号</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="885"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="895"/>
        <source>Person</source>
        <translation>经办人</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="964"/>
        <source>Save rectification</source>
        <translation>保存整改情况</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="974"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="993"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="998"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1070"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1008"/>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1013"/>
        <source>Bearing</source>
        <translation>拍摄方位角</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1023"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1030"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1037"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1044"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1054"/>
        <source>History</source>
        <translation>修改记录</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1075"/>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1080"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1085"/>
        <source>Old</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1090"/>
        <source>New</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="130"/>
        <source>Next patch</source>
        <translation>下一个图斑</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="131"/>
        <source>Previous patch</source>
        <translation>上一个图斑</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="132"/>
        <source>Next unjudged patch</source>
        <translation>下一个未判定的图斑</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="136"/>
        <source>Draw a split line on the map</source>
        <translation>在地图上绘制拆分线</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="137"/>
        <source>Split along the approval red line</source>
        <translation>沿批文红线拆分</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="174"/>
        <source>Patch review — {name}</source>
        <translation>图斑审核 — {name}</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="178"/>
        <source>No work store is open.</source>
        <translation>未打开工作库。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>All batches</source>
        <translation>全部批次</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>All townships</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>(no township)</source>
        <translation>（无乡镇）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>All suggestions</source>
        <translation>全部判定建议</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>(not analysed)</source>
        <translation>（未分析）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>All determinations</source>
        <translation>全部判定结果</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>(not judged)</source>
        <translation>（未判定）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="222"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="290"/>
        <source>{total} patches · {area} mu · {judged} judged · {illegal} illegal · {rectified} rectified · {overdue} overdue</source>
        <translation>图斑 {total} 个 · {area} 亩 · 已判定 {judged} · 违法 {illegal} · 已整改 {rectified} · 逾期 {overdue}</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="327"/>
        <source>Every shown patch is judged.</source>
        <translation>列表中的图斑均已判定。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="357"/>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="357"/>
        <source>Patch {jcbh} has unsaved changes. Save them?</source>
        <translation>图斑 {jcbh} 有未保存的修改，是否保存？</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="423"/>
        <source>{jcbh} · batch {batch} · {township} · {area:.2f} mu · due {due}</source>
        <translation>{jcbh} · 批次 {batch} · {township} · {area:.2f} 亩 · 判定期限 {due}</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="426"/>
        <source>Not analysed</source>
        <translation>未分析</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="442"/>
        <source>{role} {doc}: {share} of the patch, {area:.2f} mu</source>
        <translation>{role} {doc}：占图斑 {share}，{area:.2f} 亩</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="446"/>
        <source>Cultivated</source>
        <translation>耕地</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="446"/>
        <source>Basic farmland</source>
        <translation>永久基本农田</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="446"/>
        <source>Ecological red line</source>
        <translation>生态保护红线</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="452"/>
        <source>mu</source>
        <translation>亩</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="459"/>
        <source>Batch {batch} was submitted at stage {stage} on {at}: its determination is locked; rectification and evidence can still be recorded.</source>
        <translation>批次 {batch} 已于 {at} {stage}：合法性判定已锁定，查处整改和佐证材料仍可录入。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="463"/>
        <source>This patch was split; judge and follow up its parts instead.</source>
        <translation>该图斑已拆分，请对拆分后的各部分分别判定和跟踪整改。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="471"/>
        <source>Status: {status} · remaining unrectified area: {mu:.2f} mu</source>
        <translation>状态：{status} · 剩余未整改面积：{mu:.2f} 亩</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="477"/>
        <source>{name} (when saved)</source>
        <translation>{name}（保存时记录）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="537"/>
        <source>Rectification is recorded for patches determined illegal.</source>
        <translation>只有判定为违法的图斑才需填写查处整改情况。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="700"/>
        <source>The patch was split into {n} parts.</source>
        <translation>图斑已拆分为 {n} 个部分。</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="819"/>
        <source>Restored, of which cultivated (mu)</source>
        <translation>复耕其中耕地（亩）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="836"/>
        <source>Referred to (police / discipline)</source>
        <translation>移送机关（公安/纪检监察）</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="846"/>
        <source>Referral date</source>
        <translation>移送日期</translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="856"/>
        <source>Referral number</source>
        <translation>移送文号</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="477"/>
        <source>(name not set)</source>
        <translation>（未设置姓名）</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="567"/>
        <source>Set the reviewer's name first (batch menu → Reviewer name…): the audit log records who made each change.</source>
        <translation>请先设置审核人姓名（批次菜单 →“审核人姓名…”）：修改日志要记录每项修改是谁做的。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="590"/>
        <source>Work store busy</source>
        <translation>工作库被占用</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="598"/>
        <source>Saved by someone else</source>
        <translation>已被他人保存</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="598"/>
        <source>Save: overwrite it with your values. Discard: keep theirs and drop your changes.</source>
        <translation>“保存”：用你的内容覆盖对方的修改。“放弃”：保留对方的修改，放弃你的修改。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="619"/>
        <source>The login {0} may no longer change this shared work store: its role has been revoked (or never allowed this change). Nothing was saved; ask the store&apos;s administrator (weipian:storeroles) if you should go on working.</source>
        <translation>登录账号 {0} 已不能修改这个共享工作库：它的角色已被撤销（或本来就没有这项修改的权限）。没有保存任何内容；如需继续工作，请联系工作库管理员（weipian:storeroles）。</translation>
    </message>
    <message>
        <location filename="../gui/review_dock.py" line="635"/>
        <source>The login {0} may no longer read this shared work store: its role has been revoked. Ask the store&apos;s administrator (weipian:storeroles) if you should go on working.</source>
        <translation>登录账号 {0} 已不能读取这个共享工作库：它的角色已被撤销。如需继续工作，请联系工作库管理员（weipian:storeroles）。</translation>
    </message>
</context>
<context>
    <name>ReviewForm</name>
    <message>
        <location filename="../gui/review/form.py" line="73"/>
        <source>Case filed</source>
        <translation>立案</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="74"/>
        <source>Not filed</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="79"/>
        <source>Applied for</source>
        <translation>申请销号</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="79"/>
        <source>Written off</source>
        <translation>已销号</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="76"/>
        <source>Police</source>
        <translation>公安机关</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="76"/>
        <source>Discipline inspection</source>
        <translation>纪检监察机关</translation>
    </message>
    <message>
        <location filename="../gui/review/form.py" line="69"/>
        <source>(not set)</source>
        <translation>（未填）</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <location filename="../gui/rules_dialog.py" line="253"/>
        <source>Legality suggestion rules</source>
        <translation>合法性判定建议规则</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="60"/>
        <source>Thresholds</source>
        <translation>阈值</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="70"/>
        <source>Code lists (comma-separated)</source>
        <translation>代码列表（用逗号分隔）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="96"/>
        <source>Rules of the work store {name}. They apply from the next analysis.</source>
        <translation>工作库 {name} 的判定规则，自下次分析起生效。</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="108"/>
        <source>… leaving uncovered cultivated land below</source>
        <translation>…且未覆盖的耕地面积小于</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="110"/>
        <source>Partial coverage needing a person&apos;s check from</source>
        <translation>部分覆盖需人工核实（待核）的起始比例</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="112"/>
        <source>Valid mining permits cover at least (less: outside the permit)</source>
        <translation>有效采矿权覆盖比例不低于（低于此值为越界开采）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="113"/>
        <source>Overlap with mining permits that makes a patch mining</source>
        <translation>与采矿权重叠达到此比例即视为采矿图斑</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="115"/>
        <source>Smallest overlap that raises a flag (slivers are ignored)</source>
        <translation>触发标记的最小重叠面积（忽略细碎面）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="119"/>
        <source>Land classes (DLBM prefixes) of construction land</source>
        <translation>建设用地地类（DLBM 前缀）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="120"/>
        <source>Land classes (DLBM) of rural homesteads</source>
        <translation>农村宅基地地类（DLBM）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="121"/>
        <source>Village attribute codes (CZCSXM) of the 203 range</source>
        <translation>203 范围的城镇村属性码（CZCSXM）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="187"/>
        <source> mu</source>
        <translation> 亩</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="253"/>
        <source>The rules could not be saved: {error}</source>
        <translation>无法保存判定规则：{error}</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="29"/>
        <source>Provincial preset</source>
        <translation>省级预设</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="49"/>
        <source>Apply preset</source>
        <translation>应用预设</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="78"/>
        <source>Change types (TBLX): the rule each one goes to; unknown types need a person</source>
        <translation>图斑类型（TBLX）：各类型适用的规则；未知类型需人工核实</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="96"/>
        <source>Add change type</source>
        <translation>添加图斑类型</translation>
    </message>
    <message>
        <location filename="../../forms/rules_dialog.ui" line="103"/>
        <source>Remove selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="107"/>
        <source>Approvals (then supply, registration, other legal) cover at least</source>
        <translation>批文（其次供地、登记发证、其他合法手续）覆盖不少于</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="109"/>
        <source>… and uncovered land of any class at most</source>
        <translation>……且未覆盖的各类土地不超过</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="111"/>
        <source>Facility filings, advance land use, valid temporary land cover at least</source>
        <translation>设施农用地备案、先行用地、有效临时用地覆盖不少于</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="114"/>
        <source>Homestead or construction land in the 203 range exempts from</source>
        <translation>宅基地或203范围内原建设用地占比达到</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="116"/>
        <source>Widest new rural road (0: no width check)</source>
        <translation>新建农村道路最大宽度（0：不检查宽度）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="117"/>
        <source>Documents count when dated on or before</source>
        <translation>用地手续的日期不晚于</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="118"/>
        <source>Approval dated after the imagery (built before approved)</source>
        <translation>批准日期晚于影像时间（先建后批）时判为</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="122"/>
        <source>Facility types that are livestock (not allowed on basic farmland)</source>
        <translation>属于畜禽养殖的设施类型（不得占用永久基本农田）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="128"/>
        <source>the after-date (后时相)</source>
        <translation>后时相</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="129"/>
        <source>the before-date (前时相, else the after-date)</source>
        <translation>前时相（缺失时用后时相）</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="156"/>
        <source>illegal (违法)</source>
        <translation>违法</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="155"/>
        <source>needs a person (待核)</source>
        <translation>待核</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="137"/>
        <source>TBLX</source>
        <translation>图斑类型代码</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="137"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="137"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="137"/>
        <source>On cultivated land / basic farmland</source>
        <translation>占用耕地/永久基本农田时</translation>
    </message>
    <message>
        <location filename="../gui/rules_dialog.py" line="195"/>
        <source> m</source>
        <translation> 米</translation>
    </message>
</context>
<context>
    <name>SeriousImpactAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="24"/>
        <source>Mark serious consequences (造成恶劣影响)</source>
        <translation>认定“造成恶劣影响”</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="27"/>
        <source>Records, with its reason, that a county&apos;s (or township&apos;s) illegal land use caused serious consequences: Order No. 15 then holds the county accountable below the 15 % ratio, and a township is marked for a warning interview. Tick Clear to remove the mark.</source>
        <translation>记录某县（或乡镇）的违法用地“造成恶劣影响”及其理由：按第15号令，该县即使比例低于 15% 也纳入问责范围；乡镇则列为应警示约谈。勾选“取消认定”可撤销。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="34"/>
        <source>County or township code</source>
        <translation>县或乡镇代码</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="35"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="36"/>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/serious_impact.py" line="37"/>
        <source>Clear the mark</source>
        <translation>取消认定</translation>
    </message>
</context>
<context>
    <name>SetStageAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="27"/>
        <source>Record reporting stage (一上/一下/二上)</source>
        <translation>记录上报阶段（一上/一下/二上）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="30"/>
        <source>Records a reporting stage of a batch, in order 一上 → 一下 → 二上, with a snapshot of the batch as it stands. 一上 and 二上 lock the determinations (result, type, category, areas); rectification records and evidence stay editable all year. 一下 unlocks the determinations for corrections.</source>
        <translation>按 一上 → 一下 → 二上 的顺序记录批次的上报阶段，并保存该批次当时的快照。一上和二上锁定合法性判定（判定结果、类型、违法类别和面积）；查处整改记录和佐证材料全年均可更新。一下解锁判定以便修改。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="37"/>
        <source>Batch</source>
        <translation>批次</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="38"/>
        <source>Stage</source>
        <translation>上报阶段</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="39"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/set_stage.py" line="40"/>
        <source>Determinations locked</source>
        <translation>判定已锁定</translation>
    </message>
</context>
<context>
    <name>StatisticsDialog</name>
    <message>
        <location filename="../gui/statistics_dialog.py" line="192"/>
        <source>Statistics and deadline settings</source>
        <translation>统计与期限设置</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="28"/>
        <source>Points lost</source>
        <translation>扣分线</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="40"/>
        <source>A county loses points in the assessment when its illegally occupied cultivated land reaches these lines. Leave a line at &quot;not assessed&quot; when the province&apos;s plan sets none.</source>
        <translation>违法占用耕地达到下列面积时，县级考核扣分。省级方案未规定的，保持“不考核”。</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="61"/>
        <source>Major infrastructure</source>
        <translation>重大基础设施</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="67"/>
        <source>Filed national or provincial transport, energy and water projects: a patch whose JCBH or project name is listed is deducted from the accountability ratio (at province level only provincially approved ones).</source>
        <translation>已备案的国家或省级交通、能源、水利项目：监测编号或项目名称在清单中的图斑，从问责比例中扣除（省级评价只扣除省级批准的项目）。</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="86"/>
        <source>Add project</source>
        <translation>添加项目</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="93"/>
        <source>Remove project</source>
        <translation>删除项目</translation>
    </message>
    <message>
        <location filename="../../forms/statistics_dialog.ui" line="110"/>
        <source>Deadlines</source>
        <translation>期限规则</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="52"/>
        <source>Initial illegal cultivated land (before rectification) from</source>
        <translation>初始违法占用耕地（整改前）达到</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="53"/>
        <source>Illegal cultivated land after rectification above</source>
        <translation>整改后违法占用耕地超过</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="58"/>
        <source> mu</source>
        <translation> 亩</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="59"/>
        <source>not assessed</source>
        <translation>不考核</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="71"/>
        <source>Project name or JCBH</source>
        <translation>项目名称或监测编号</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="71"/>
        <source>Approved by</source>
        <translation>批准级别</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="88"/>
        <source>Settings of the work store {name}.</source>
        <translation>工作库 {name} 的设置。</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="97"/>
        <source>Determination within (days of receipt)</source>
        <translation>合法性判定期限（接收后天数）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="98"/>
        <source>Also apply the monthly clear-up (the earlier date counts)</source>
        <translation>同时执行月清（取较早日期）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="99"/>
        <source>Monthly clear-up: day of the next month</source>
        <translation>月清：次月日期</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="100"/>
        <source>Discovery within (days of the start)</source>
        <translation>发现期限（违法行为发生后天数）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="101"/>
        <source>Stop notice within (days of discovery)</source>
        <translation>制止期限（发现后天数）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="102"/>
        <source>Report within (days of discovery)</source>
        <translation>报告期限（发现后天数）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="103"/>
        <source>Special report of a major case within (days)</source>
        <translation>重大违法专项报告期限（天）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="104"/>
        <source>Case filed within (working days of discovery)</source>
        <translation>立案期限（发现后工作日）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="105"/>
        <source>Case closed within (working days of filing)</source>
        <translation>结案期限（立案后工作日）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="106"/>
        <source>Major case closed within (working days of filing)</source>
        <translation>重大案件结案期限（立案后工作日）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="107"/>
        <source>Extension of a major case at most (working days)</source>
        <translation>重大案件延期最多（工作日）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="108"/>
        <source>Major case: occupied land above (mu)</source>
        <translation>重大违法：占地超过（亩）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="109"/>
        <source>Major case: occupied cultivated land above (mu)</source>
        <translation>重大违法：占用耕地超过（亩）</translation>
    </message>
    <message>
        <location filename="../gui/statistics_dialog.py" line="110"/>
        <source>Major case: occupied basic farmland above (mu)</source>
        <translation>重大违法：占用永久基本农田超过（亩）</translation>
    </message>
</context>
<context>
    <name>StoreDialog</name>
    <message>
        <location filename="../../forms/store_dialog.ui" line="126"/>
        <source>Open a shared work store (a PostgreSQL connection of QGIS)</source>
        <translation>打开共享工作库（QGIS 中的 PostgreSQL 连接）</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="136"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="106"/>
        <source>Add the shared store's database in QGIS first (Browser → PostgreSQL → New Connection), then choose it here.</source>
        <translation>请先在 QGIS 中添加共享工作库所在的数据库（浏览器 → PostgreSQL → 新建连接），再在此选择。</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="76"/>
        <source>Work store</source>
        <translation>工作库</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="20"/>
        <source>Open an existing work store</source>
        <translation>打开已有工作库</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="46"/>
        <source>Create a new work store (one per county and year)</source>
        <translation>新建工作库（每县每年一个）</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="56"/>
        <source>County name</source>
        <translation>县名称</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="66"/>
        <source>County code (optional)</source>
        <translation>县级行政区代码（可选）</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="76"/>
        <source>Year</source>
        <translation>年度</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="93"/>
        <source>CRS (projected CGCS2000)</source>
        <translation>坐标系（CGCS2000 投影坐标系）</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="103"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="113"/>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="42"/>
        <source>Open work store</source>
        <translation>打开工作库</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="81"/>
        <source>Choose the work store file.</source>
        <translation>请选择工作库文件。</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="89"/>
        <source>Choose a projected CRS with an EPSG code (CGCS2000 Gauss–Krüger, e.g. EPSG:4527): patches are stored and measured in it.</source>
        <translation>请选择带 EPSG 代码的投影坐标系（CGCS2000 高斯–克吕格，如 EPSG:4527）：图斑以该坐标系存储和量算。</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="93"/>
        <source>Choose an existing folder for the new work store.</source>
        <translation>请为新工作库选择一个已存在的文件夹。</translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="97"/>
        <source>Enter a file name for the new work store.</source>
        <translation>请输入新工作库的文件名。</translation>
    </message>
</context>
<context>
    <name>StoreRolesAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="30"/>
        <source>Roles of a shared store</source>
        <translation>共享工作库的角色</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="33"/>
        <source>Run by the store&apos;s owner. Creates the four group roles (weipian_technician: import and analyse; weipian_reviewer: judge and follow up; weipian_township: fill in rectification records of its own townships only, by row-level security; weipian_viewer: read only), grants them the store, and makes the login (created without a password when it does not exist: set one with psql&apos;s \password, it is never stored in a project) a member of the chosen group. The audit log names the login of whoever saves. For a township login give its township codes, separated by commas. Revoking takes the login out of the chosen group (or of every group) at once, also in a session it has open; the login itself and its entries in the audit log stay. Groups are shared by every store on the server.</source>
        <translation>由工作库的所有者运行。创建四个角色组（weipian_technician：导入与分析；weipian_reviewer：判定与跟踪查处整改；weipian_township：按行级安全只填报本乡镇图斑的查处整改；weipian_viewer：只读），授予它们对工作库的权限，并把登录账号加入所选角色组（账号不存在时创建，不带密码：请用 psql 的 \password 设置，密码从不保存在项目中）。修改日志记录保存者的登录账号。乡镇账号请填写其乡镇代码，多个用逗号分隔。撤销会立即把登录账号移出所选角色组（或全部角色组），该账号已打开的会话也随即失去权限；账号本身及其在修改日志中的记录保留。角色组由同一服务器上的所有工作库共用。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="44"/>
        <source>Shared store (PostgreSQL address)</source>
        <translation>共享工作库（PostgreSQL 地址）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="45"/>
        <source>Login role</source>
        <translation>登录账号</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="46"/>
        <source>Group</source>
        <translation>角色组</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="49"/>
        <source>Township codes (township group)</source>
        <translation>乡镇代码（乡镇角色组）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="51"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="51"/>
        <source>Grant the group to the login</source>
        <translation>授予：把登录账号加入角色组</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="51"/>
        <source>Revoke the group from the login</source>
        <translation>撤销：把登录账号移出所选角色组</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/store_roles.py" line="51"/>
        <source>Revoke every group from the login</source>
        <translation>撤销：把登录账号移出全部角色组</translation>
    </message>
</context>
<context>
    <name>VerifyStoreAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/verify_store.py" line="18"/>
        <source>Verify the work store&apos;s record</source>
        <translation>校验工作库修改记录</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/verify_store.py" line="21"/>
        <source>Checks the audit log end to end: the hash chain over every sealed audit row (a row deleted, edited or inserted afterwards breaks it), the triggers that keep the audit log and the stage events append-only, and that the last audit row of every determination and rectification matches the data (an edit made with the protection switched off, or a forged audit row). The store is a GeoPackage or a PostgreSQL address (postgresql:service=… or postgresql:dbname=… host=…). Writes nothing.</source>
        <translation>从头到尾检查修改日志：所有已封存修改记录上的哈希链（事后删除、改动或插入记录都会使其断裂）、使修改日志和上报阶段记录只能追加的触发器，以及每个判定和查处整改的最后一条修改记录是否与数据一致（关闭保护后所做的修改，或伪造的修改记录）。工作库可以是 GeoPackage 文件，也可以是 PostgreSQL 地址（postgresql:service=… 或 postgresql:dbname=… host=…）。不写入任何内容。</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/verify_store.py" line="31"/>
        <source>Record intact</source>
        <translation>修改记录完整</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/verify_store.py" line="32"/>
        <source>Problems found</source>
        <translation>发现的问题数</translation>
    </message>
</context>
<context>
    <name>WeipianAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/base.py" line="24"/>
        <source>Work store (GeoPackage or PostgreSQL address)</source>
        <translation>工作库（GeoPackage 文件或 PostgreSQL 地址）</translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/base.py" line="32"/>
        <source>Satellite enforcement</source>
        <translation>卫片执法</translation>
    </message>
</context>
</TS>
