// SPDX-License-Identifier: MIT
/*
 * plist.c - the add/del/requeue bodies of plist.h.
 *
 * Follows the structure of the kernel's lib/plist.c: the prio_list ring
 * holds one representative (the first) per priority, so an insertion walks
 * priorities, not nodes.
 */
#include <errno.h>

#include "plist.h"

void plist_add(struct plist_node *node, struct plist_head *head)
{
	struct plist_node *first, *iter, *prev = NULL;
	struct list_head *node_next = &head->node_list;

	if (plist_head_empty(head))
		goto ins_node;

	first = iter = plist_first(head);
	do {
		if (node->prio < iter->prio) {
			node_next = &iter->node_list;
			break;
		}
		prev = iter;
		iter = list_entry(iter->prio_list.next, struct plist_node,
				  prio_list);
	} while (iter != first);

	/* A new priority gets its own prio_list entry, before @iter's. */
	if (!prev || prev->prio != node->prio)
		list_add_tail(&node->prio_list, &iter->prio_list);
ins_node:
	list_add_tail(&node->node_list, node_next);
}

void plist_del(struct plist_node *node, struct plist_head *head)
{
	if (!list_empty(&node->prio_list)) {
		if (node->node_list.next != &head->node_list) {
			struct plist_node *next;

			next = list_entry(node->node_list.next,
					  struct plist_node, node_list);
			/* The next node of the same prio becomes its representative. */
			if (list_empty(&next->prio_list))
				list_add(&next->prio_list, &node->prio_list);
		}
		list_del_init(&node->prio_list);
	}
	list_del_init(&node->node_list);
}

void plist_requeue(struct plist_node *node, struct plist_head *head)
{
	struct plist_node *iter;
	struct list_head *node_next = &head->node_list;

	if (node == list_entry(head->node_list.prev, struct plist_node,
			       node_list))
		return;
	iter = list_entry(node->node_list.next, struct plist_node, node_list);
	if (node->prio != iter->prio)
		return;

	plist_del(node, head);
	/* Find the first node of a lower priority, or the end. */
	list_for_each_entry(iter, &head->node_list, node_list) {
		if (iter->prio > node->prio) {
			node_next = &iter->node_list;
			break;
		}
	}
	list_add_tail(&node->node_list, node_next);
}

int plist_check(const struct plist_head *head)
{
	const struct list_head *l;
	const struct plist_node *prev = NULL, *n;
	unsigned prios = 0, reps = 0;

	for (l = head->node_list.next; l != &head->node_list; l = l->next) {
		if (l->next->prev != l || l->prev->next != l)
			return -EUCLEAN;
		n = list_entry(l, struct plist_node, node_list);
		if (prev && prev->prio > n->prio)
			return -EUCLEAN;
		if (!prev || prev->prio != n->prio) {
			prios++;
		} else if (!list_empty(&n->prio_list)) {
			return -EUCLEAN;	/* only the first of a prio */
		}
		prev = n;
	}
	if (prios < 2)
		return 0;	/* a ring of one is self-linked */
	/* Walk the prio_list ring from the first node: it must visit the
	 * first node of every prio, in ascending order, and close. */
	n = plist_first(head);
	do {
		const struct plist_node *next;

		next = list_entry(n->prio_list.next, struct plist_node,
				  prio_list);
		if (next->prio_list.prev != &n->prio_list)
			return -EUCLEAN;
		if (next != plist_first(head) && next->prio <= n->prio)
			return -EUCLEAN;
		reps++;
		n = next;
	} while (n != plist_first(head) && reps <= prios);
	return reps == prios ? 0 : -EUCLEAN;
}

unsigned plist_count(const struct plist_head *head)
{
	unsigned n = 0;

	for (const struct list_head *l = head->node_list.next;
	     l != &head->node_list; l = l->next)
		n++;
	return n;
}
