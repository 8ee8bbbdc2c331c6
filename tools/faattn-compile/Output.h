//===- Output.h - faattn-compile's outputs, all or nothing -------*- C++ -*-===//
//
// writeOutputs puts every file of a run into the output directory or none of
// them: each is written (every write, fsync and close checked) into a
// temporary directory inside the output directory, then all are renamed into
// place; a failure at any step removes what was written, puts back the files
// that were replaced, removes the directories the run created, and names the
// path that failed.
//
//===----------------------------------------------------------------------===//
#ifndef FAATTN_TOOLS_FAATTN_COMPILE_OUTPUT_H
#define FAATTN_TOOLS_FAATTN_COMPILE_OUTPUT_H

#include "faattn/runtime/FileIO.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace faattn::compile {

struct OutputFile {
  std::string file, text; // a name inside the output directory, its contents
};

/// Writes `files` into `dir` (created, with its missing parents, if
/// missing), all or nothing. Returns "" or the error, naming the path.
inline std::string writeOutputs(const std::string &dir, const std::vector<OutputFile> &files) {
  struct stat st;
  // The directories this run creates, outermost first (removed on failure).
  std::vector<std::string> created;
  {
    std::vector<std::string> missing;
    std::string p = dir;
    while (!p.empty() && ::stat(p.c_str(), &st) != 0) {
      if (errno != ENOENT)
        return "cannot create output directory '" + dir + "': " + std::strerror(errno);
      missing.push_back(p);
      size_t slash = p.find_last_of('/');
      p = slash == std::string::npos ? "" : p.substr(0, slash);
      while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    }
    if (!p.empty() && !S_ISDIR(st.st_mode))
      return "cannot create output directory '" + dir + "': '" + p + "' is not a directory";
    for (size_t i = missing.size(); i-- > 0;) {
      if (::mkdir(missing[i].c_str(), 0777) != 0 && errno != EEXIST) {
        std::string why = std::strerror(errno);
        for (size_t j = created.size(); j-- > 0;)
          ::rmdir(created[j].c_str());
        return "cannot create output directory '" + dir + "': " + why;
      }
      created.push_back(missing[i]);
    }
  }
  auto removeCreated = [&] {
    for (size_t j = created.size(); j-- > 0;)
      ::rmdir(created[j].c_str());
  };
  std::string tmp = dir + "/.faattn-compile.XXXXXX";
  if (!::mkdtemp(tmp.data())) {
    std::string why = std::strerror(errno);
    removeCreated();
    return "cannot write into '" + dir + "': " + why;
  }
  std::string old = tmp + "/.old";
  auto cleanup = [&] {
    for (const OutputFile &f : files) {
      ::unlink((tmp + "/" + f.file).c_str());
      ::unlink((old + "/" + f.file).c_str());
    }
    ::rmdir(old.c_str());
    ::rmdir(tmp.c_str());
  };
  // 1. Every file into the temporary directory.
  for (const OutputFile &f : files) {
    std::string why = io::writeNewFile(tmp + "/" + f.file, f.text);
    if (!why.empty()) {
      // Name the file as the user asked for it, with the reason.
      std::string reason = why.substr(why.find("': ") + 3);
      cleanup();
      removeCreated();
      return "cannot write '" + dir + "/" + f.file + "': " + reason;
    }
  }
  // 2. Each into place; an existing file is kept aside until all are in.
  struct Moved {
    std::string dest;
    bool replaced;
  };
  std::vector<Moved> moved;
  auto rollBack = [&] {
    for (size_t i = moved.size(); i-- > 0;) {
      const std::string &dest = moved[i].dest;
      std::string name = dest.substr(dir.size() + 1);
      if (moved[i].replaced)
        ::rename((old + "/" + name).c_str(), dest.c_str());
      else
        ::unlink(dest.c_str());
    }
  };
  for (const OutputFile &f : files) {
    std::string dest = dir + "/" + f.file;
    bool exists = ::lstat(dest.c_str(), &st) == 0;
    std::string why;
    if (exists && ::mkdir(old.c_str(), 0700) != 0 && errno != EEXIST)
      why = std::strerror(errno);
    if (why.empty() && exists && ::rename(dest.c_str(), (old + "/" + f.file).c_str()) != 0)
      why = std::strerror(errno);
    if (why.empty() && ::rename((tmp + "/" + f.file).c_str(), dest.c_str()) != 0) {
      why = std::strerror(errno);
      if (exists) // put this one back now: it is not in `moved`
        ::rename((old + "/" + f.file).c_str(), dest.c_str());
    }
    if (!why.empty()) {
      rollBack();
      cleanup();
      removeCreated();
      return "cannot write '" + dest + "': " + why;
    }
    moved.push_back({dest, exists});
  }
  cleanup();
  return "";
}

} // namespace faattn::compile

#endif // FAATTN_TOOLS_FAATTN_COMPILE_OUTPUT_H
