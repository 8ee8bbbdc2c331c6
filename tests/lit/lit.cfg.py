# lit configuration of faattn's FileCheck tests.
import os
import lit.formats
import lit.util

config.name = "faattn"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".fa", ".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)

site = lit_config.params.get("site")
if not site:
    lit_config.fatal("run lit with --param site=<build>/tests/lit/lit.site.cfg.py")
lit_config.load_config(config, site)
config.test_exec_root = os.path.join(os.path.dirname(site), "out")

config.environment["PATH"] = os.pathsep.join(
    [config.faattn_bin_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
import sys
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%specs", os.path.join(config.faattn_src_dir, "specs")))
config.substitutions.append(("%stubcuda", config.faattn_stub_cuda_dir))
config.substitutions.append(("%bench", os.path.join(config.faattn_src_dir, "bench")))
config.substitutions.append(("%examples", os.path.join(config.faattn_src_dir, "examples")))
