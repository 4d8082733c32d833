/*
 * kmod_btf.c - kernel module BTF: each loaded module with BTF has a file
 * /sys/kernel/btf/<module> whose types continue vmlinux's numbering. They
 * are opened only when something is not found in vmlinux, and the
 * kernel's fd for a module's BTF (which the kernel wants alongside a type
 * id from it) is found by walking the BTF ids the kernel lists.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpfc/sys.h>
#include "kmod_btf.h"

#define BTF_DIR "/sys/kernel/btf"

int ebpfc__kmods_open(const struct ebpfc_btf *vmlinux, struct ebpfc__kmods *set)
{
	EBPFC_OPTS(ebpfc_btf_open_opts, o, .base = vmlinux);
	struct ebpfc__kmod *mods = NULL, *nm;
	struct dirent *de;
	size_t cnt = 0;
	char path[300];
	DIR *dir;

	set->mods = NULL;
	set->cnt = 0;
	dir = opendir(BTF_DIR);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		struct ebpfc_btf *btf;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux") ||
		    strlen(de->d_name) >= sizeof(mods->name))
			continue;
		snprintf(path, sizeof(path), BTF_DIR "/%s", de->d_name);
		/* A module unloaded meanwhile, or odd BTF: skip it, it cannot be the target. */
		if (ebpfc_btf_open_file(path, &o, &btf))
			continue;
		nm = realloc(mods, (cnt + 1) * sizeof(*nm));
		if (!nm) {
			ebpfc_btf_destroy(btf);
			break;
		}
		mods = nm;
		memset(&mods[cnt], 0, sizeof(mods[cnt]));
		ebpfc__strlcpy(mods[cnt].name, de->d_name, sizeof(mods[cnt].name));
		mods[cnt].btf = btf;
		mods[cnt].fd = -1;
		cnt++;
	}
	closedir(dir);
	ebpfc__err_clear();
	set->mods = mods;
	set->cnt = cnt;
	return 0;
}

void ebpfc__kmods_close(struct ebpfc__kmods *set)
{
	size_t i;

	for (i = 0; i < set->cnt; i++) {
		ebpfc_btf_destroy(set->mods[i].btf);
		ebpfc__close(set->mods[i].fd);
	}
	free(set->mods);
	set->mods = NULL;
	set->cnt = 0;
}

int ebpfc__kmods_find(struct ebpfc__kmods *set, const char *name, unsigned int kind,
		      struct ebpfc__kmod **mod, __u32 *id)
{
	size_t i;

	for (i = 0; i < set->cnt; i++) {
		struct ebpfc_btf *b = set->mods[i].btf;

		/* Only the module's own types: vmlinux's were searched already. */
		if (ebpfc_btf_find(b, name, kind, id) == 0 && *id >= ebpfc_btf_start_id(b)) {
			*mod = &set->mods[i];
			return 0;
		}
	}
	ebpfc__err_clear();
	return -ENOENT;
}

int ebpfc__kmod_fd(struct ebpfc__kmod *mod, int *fdp)
{
	struct bpf_btf_info info;
	char name[64];
	__u32 id = 0, len;
	int fd, err;

	if (mod->fd >= 0) {
		*fdp = mod->fd;
		return 0;
	}
	while (ebpfc_sys_btf_get_next_id(id, &id) == 0) {
		if (ebpfc_sys_btf_get_fd_by_id(id, &fd))
			continue;
		memset(&info, 0, sizeof(info));
		name[0] = '\0';
		info.name = (__u64)(uintptr_t)name;
		info.name_len = sizeof(name);
		len = sizeof(info);
		err = ebpfc_sys_obj_get_info(fd, &info, &len);
		if (!err && info.kernel_btf && !strcmp(name, mod->name)) {
			mod->fd = fd;
			*fdp = fd;
			ebpfc__err_clear();
			return 0;
		}
		ebpfc__close(fd);
	}
	return ebpfc__err(ENOENT, "the kernel lists no BTF object for module '%s'", mod->name);
}
