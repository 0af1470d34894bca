<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>@default</name>
    <message>
        <location filename="../gui/layers.py" line="36"/>
        <source>Patches by suggestion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="36"/>
        <source>Patches (editable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="37"/>
        <source>Determinations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="37"/>
        <source>Rectifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="55"/>
        <source>Not analysed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="86"/>
        <source>{table} cannot be read from {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/layers.py" line="88"/>
        <source>Patches coloured by legality suggestion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../dependencies.py" line="69"/>
        <source>Weipian needs Python packages that this QGIS lacks: {0}. Install them with &apos;make install&apos; or into {1} with: pip install --target &quot;{1}&quot; {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="55"/>
        <source>Weipian</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="57"/>
        <source>Open or create work store…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../plugin.py" line="58"/>
        <source>Import monitoring patches…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportPatchesAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="27"/>
        <source>Import monitoring patches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="30"/>
        <source>Imports a patch shapefile issued by the ministry into the work store (created when missing). Encoding, CRS and field mapping are detected unless given. Invalid geometries are repaired; empty, non-polygon, duplicate or id-less patches are rejected with a reason. Re-importing a batch updates its patches in place and keeps every determination.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="37"/>
        <source>Patch shapefile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="39"/>
        <source>Work store (GeoPackage)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="41"/>
        <source>Batch name (empty = file name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="43"/>
        <source>Received date (empty = today)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="45"/>
        <source>Encoding (empty = detect)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="47"/>
        <source>Field mapping, e.g. jcbh=TBBH;hsx=HSX (empty = detect)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="50"/>
        <source>Patches imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="51"/>
        <source>Patches rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../processing_algorithms/import_patches.py" line="71"/>
        <source>Import cancelled; the work store is unchanged.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewDock</name>
    <message>
        <location filename="../../forms/review_dock.ui" line="14"/>
        <source>Patch review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="160"/>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="52"/>
        <source>Township</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="270"/>
        <source>Suggestion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="324"/>
        <source>Determination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="825"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="80"/>
        <source>Overdue only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="87"/>
        <source>Search by JCBH…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="101"/>
        <source>Previous patch (K, Ctrl+Up)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="104"/>
        <source>Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="111"/>
        <source>Next patch (J, Ctrl+Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="114"/>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="121"/>
        <source>Next patch without a determination (N, Ctrl+Shift+Down)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="124"/>
        <source>Next unjudged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="144"/>
        <source>Split the selected patch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="147"/>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="157"/>
        <source>Stage locks and snapshots of a batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="170"/>
        <source>Reload the patch list from the work store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="173"/>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="264"/>
        <source>Suggestion from the analysis (read-only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="855"/>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="301"/>
        <source>Basis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="330"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="340"/>
        <source>Subtype</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="350"/>
        <source>Grounds for the determination</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="370"/>
        <source>Document numbers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="380"/>
        <source>Violation category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="390"/>
        <source>Violation type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="400"/>
        <source>Converted to non-agricultural use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="407"/>
        <source>New house built on cultivated land</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="414"/>
        <source>Illegal area (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="752"/>
        <source>of which cultivated (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="448"/>
        <source>of which basic farmland (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="465"/>
        <source>Project name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="475"/>
        <source>Offender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="485"/>
        <source>Time of construction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="495"/>
        <source>Reviewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="517"/>
        <source>Save the suggestion as the determination (A, Ctrl+Return)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="520"/>
        <source>Accept suggestion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="890"/>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="547"/>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="574"/>
        <source>Rectification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="609"/>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="615"/>
        <source>Case filing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="625"/>
        <source>Filing date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="635"/>
        <source>Case number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="645"/>
        <source>Reason for not filing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="655"/>
        <source>Penalty decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="665"/>
        <source>Fine (yuan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="685"/>
        <source>Measures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="691"/>
        <source>Demolished (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="708"/>
        <source>Restored to farming (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="725"/>
        <source>Supplementary approval document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="735"/>
        <source>Supplementary approval area (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="769"/>
        <source>Confiscated (mu)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="786"/>
        <source>Transferred to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="796"/>
        <source>Transfer date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="806"/>
        <source>Case closed on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="819"/>
        <source>Write-off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="835"/>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="845"/>
        <source>Person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="897"/>
        <source>Save rectification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="924"/>
        <source>Attachments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="943"/>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="948"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1020"/>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="958"/>
        <source>Position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="963"/>
        <source>Bearing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="973"/>
        <source>Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="980"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="987"/>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="994"/>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1004"/>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1025"/>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1030"/>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1035"/>
        <source>Old</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/review_dock.ui" line="1040"/>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StoreDialog</name>
    <message>
        <location filename="../gui/store_dialog.py" line="68"/>
        <source>Work store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="20"/>
        <source>Open an existing work store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="46"/>
        <source>Create a new work store (one per county and year)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="56"/>
        <source>County name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="66"/>
        <source>County code (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="76"/>
        <source>Year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="93"/>
        <source>CRS (projected CGCS2000)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="103"/>
        <source>Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../forms/store_dialog.ui" line="113"/>
        <source>File name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="38"/>
        <source>Open work store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="73"/>
        <source>Choose the work store file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="81"/>
        <source>Choose a projected CRS with an EPSG code (CGCS2000 Gauss–Krüger, e.g. EPSG:4527): patches are stored and measured in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="85"/>
        <source>Choose an existing folder for the new work store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../gui/store_dialog.py" line="89"/>
        <source>Enter a file name for the new work store.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WeipianAlgorithm</name>
    <message>
        <location filename="../../processing_algorithms/base.py" line="23"/>
        <source>Satellite enforcement</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
